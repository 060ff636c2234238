import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import {
  currentLocalYear,
  importCalendarText,
  listCalendarYear,
  removeCalendarEntry,
  saveCalendarEntry,
} from '../calendar/calendar-admin.server';
// Not from the .server module: the action's schema below is built when the module loads, in the browser too.
import { yearSchema } from '../calendar/calendar-file';
import { useT } from '../i18n/use-t';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '工作日历维护 · 12345 热线' }];

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const KIND_LABELS: Record<string, string> = { holiday: '放假', workday: '调休上班' };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:calendar');
  const parsed = yearSchema.safeParse(new URL(request.url).searchParams.get('year') ?? undefined);
  const year = parsed.success ? parsed.data : currentLocalYear();
  const entries = await domain(() => listCalendarYear(context.runtime.db.em(), user.actor, year));
  return { year, entries };
}

const actionForm = z.object({
  intent: z.enum(['add', 'remove', 'import']),
  year: yearSchema.optional().catch(undefined),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:calendar');
  const { form: data, refused } = await readFormWithRefusal(request);
  const form = Object.fromEntries(data);
  const parsed = actionForm.safeParse(form);
  if (!parsed.success) return json({ failure: { intent: '', message: '无效的操作' } as FormFailure }, { status: 400 });
  const { intent } = parsed.data;
  const em = context.runtime.db.em();
  let year = parsed.data.year;
  try {
    if (refused) throw refused;
    if (intent === 'add') year = Number((await saveCalendarEntry(em, user.actor, form)).date.slice(0, 4));
    else if (intent === 'remove') await removeCalendarEntry(em, user.actor, String(form.date ?? ''));
    else year = (await importCalendarText(em, user.actor, String(form.file ?? ''))).year;
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure }, { status });
  }
  return redirect(`/admin/calendar${year ? `?year=${year}` : ''}`);
}

const field = 'mt-1 w-full rounded border px-2 py-1';

export default function AdminCalendar() {
  const { year, entries } = useLoaderData<typeof loader>();
  const { t } = useT();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  const failure = (intent: string) => (result?.failure?.intent === intent ? result.failure : null);
  const errorsOf = (intent: string) => failure(intent)?.fieldErrors ?? {};
  const err = (intent: string, name: string) => {
    const list = errorsOf(intent)[name];
    return list ? (
      <span id={`${intent}-${name}-error`} role="alert" className="block text-xs text-red-600">
        {list.map((m) => t(m)).join('；')}
      </span>
    ) : null;
  };
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">{t('工作日历维护')}</h1>
      <p className="text-slate-600">
        {t(
          '周一至周五上班、周六周日休息；此处登记例外：法定节假日放假，以及调休上班的周末。修改后办理时限按新日历计算。',
        )}
      </p>
      <Form method="get" className="flex items-end gap-2" aria-label={t('选择年份')}>
        <label className="block">
          <span className="text-slate-600">{t('年份')}</span>
          <input name="year" type="number" defaultValue={year} min={1992} max={9999} className={field} />
        </label>
        <button className="rounded border px-3 py-1">{t('查看')}</button>
      </Form>
      {result?.failure?.intent === 'remove' || result?.failure?.intent === '' ? (
        <p role="alert" className="text-red-600">
          {t(result.failure.message)}
        </p>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <section className="self-start rounded-lg border bg-white lg:col-span-2" aria-labelledby="entries-h">
          <h2 id="entries-h" className="border-b px-4 py-2 font-semibold">
            {t('{{year}} 年日历条目（{{n}}）', { year, n: entries.length })}
          </h2>
          <table className="w-full text-left">
            <thead>
              <tr className="border-b text-slate-500">
                <th className="px-4 py-1">{t('日期')}</th>
                <th>{t('星期')}</th>
                <th>{t('类型')}</th>
                <th>{t('名称')}</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.date} className="border-b last:border-0">
                  <td className="px-4 py-1 font-mono">{e.date}</td>
                  <td>{t(WEEKDAYS[e.weekday])}</td>
                  <td>
                    <span className={e.kind === 'holiday' ? 'text-red-700' : 'text-sky-700'}>
                      {t(KIND_LABELS[e.kind])}
                    </span>
                  </td>
                  <td>{e.name}</td>
                  <td className="py-1 pr-4 text-right">
                    <Form method="post" aria-label={t('删除 {{date}}', { date: e.date })}>
                      <CsrfField />
                      <input type="hidden" name="date" value={e.date} />
                      <input type="hidden" name="year" value={year} />
                      <button
                        name="intent"
                        value="remove"
                        disabled={busy}
                        className="rounded border px-2 py-0.5 hover:bg-slate-100"
                      >
                        {t('删除')}
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {entries.length === 0 ? (
            <p className="px-4 py-3 text-slate-500">{t('该年份尚无条目，全年按周一至周五上班计算。')}</p>
          ) : null}
        </section>
        <div className="space-y-4">
          <Form
            method="post"
            className="space-y-3 rounded-lg border bg-white p-4"
            aria-label={t('添加日历条目')}
            noValidate
          >
            <CsrfField />
            <h2 className="font-semibold">{t('添加条目')}</h2>
            {failure('add') ? (
              <p role="alert" className="text-red-600">
                {t(failure('add')!.message)}
              </p>
            ) : null}
            <div>
              <label className="block">
                <span className="text-slate-600">{t('日期')}</span>
                <input
                  type="date"
                  name="date"
                  className={field}
                  aria-invalid={Boolean(errorsOf('add').date)}
                  aria-describedby="add-date-error"
                />
              </label>
              {err('add', 'date')}
            </div>
            <div>
              <label className="block">
                <span className="text-slate-600">{t('类型')}</span>
                <select name="kind" defaultValue="holiday" className={field} aria-describedby="add-kind-error">
                  <option value="holiday">{t('放假')}</option>
                  <option value="workday">{t('调休上班')}</option>
                </select>
              </label>
              {err('add', 'kind')}
            </div>
            <div>
              <label className="block">
                <span className="text-slate-600">{t('名称')}</span>
                <input
                  name="name"
                  placeholder={t('例如 国庆节')}
                  className={field}
                  aria-invalid={Boolean(errorsOf('add').name)}
                  aria-describedby="add-name-error"
                />
              </label>
              {err('add', 'name')}
            </div>
            <button
              name="intent"
              value="add"
              disabled={busy}
              className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
            >
              {t('添加')}
            </button>
          </Form>
          <Form
            method="post"
            className="space-y-3 rounded-lg border bg-white p-4"
            aria-label={t('导入年度日历')}
            noValidate
          >
            <CsrfField />
            <h2 className="font-semibold">{t('导入年度日历')}</h2>
            <p className="text-xs text-slate-500">
              {t('粘贴国务院办公厅公布安排后整理的 JSON 文件内容，格式：')}
              {'{ "year": 2027, "entries": [{ "date": "2027-01-01", "kind": "holiday", "name": "元旦" }] }'}
              {t('。导入会替换该年份的全部条目。')}
            </p>
            {failure('import') ? (
              <p role="alert" className="text-red-600">
                {t(failure('import')!.message)}
              </p>
            ) : null}
            <label className="block">
              <span className="text-slate-600">{t('日历文件（JSON）')}</span>
              <textarea
                name="file"
                rows={8}
                className={`${field} font-mono text-xs`}
                aria-invalid={Boolean(errorsOf('import').file)}
                aria-describedby="import-file-error"
              />
            </label>
            {errorsOf('import').file ? (
              <ul id="import-file-error" role="alert" className="text-xs text-red-600">
                {errorsOf('import').file.map((m) => (
                  <li key={m}>{t(m)}</li>
                ))}
              </ul>
            ) : null}
            <button
              name="intent"
              value="import"
              disabled={busy}
              className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
            >
              {t('导入')}
            </button>
          </Form>
        </div>
      </div>
    </div>
  );
}
