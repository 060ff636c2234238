import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { departmentWorklist } from '../appeals/department-worklist.server';
import { requireUserWith } from '../auth/session.server';
import { QueueCountText } from '../components/queue-pager';
import { WorklistTable } from '../components/worklist-table';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';

export const meta: MetaFunction = () => [{ title: '单位工单 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'worklist:read');
  const params = new URL(request.url).searchParams;
  return domain(() => departmentWorklist(context.runtime.db.em(), user, params));
}

export default function DepartmentWorklistPage() {
  const w = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-lg font-semibold" data-testid="worklist-title">
          {t('单位工单')} · {w.department.name}（
          <span data-testid="worklist-count">
            <QueueCountText count={w.count} />
          </span>
          ）
        </h1>
        {w.choices.length ? (
          <Form method="get" className="flex items-center gap-2 text-sm">
            <label htmlFor="department">{t('承办单位')}</label>
            <select
              id="department"
              name="department"
              defaultValue={w.department.id}
              className="rounded border bg-white px-2 py-1"
            >
              {w.choices.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
            <button className="rounded bg-red-700 px-3 py-1 text-white">{t('查看')}</button>
          </Form>
        ) : null}
      </div>
      <p className="text-xs text-slate-500">{t('本单位牵头办理、尚未办结的诉求，按办理时限先后排列，每页 50 条')}</p>
      <section className="rounded-lg border bg-white text-sm" data-testid="worklist">
        <WorklistTable items={w.items} />
      </section>
      {w.nextCursor ? (
        <Link
          className="text-sm text-red-700 underline"
          data-testid="worklist-next"
          to={`?${new URLSearchParams({ ...(w.choices.length ? { department: String(w.department.id) } : {}), after: w.nextCursor })}`}
        >
          {t('下一页')}
        </Link>
      ) : null}
    </div>
  );
}
