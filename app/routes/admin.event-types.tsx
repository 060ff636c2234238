import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useLocation, useNavigation, useSearchParams } from '@remix-run/react';
import { requireUserWith } from '../auth/session.server';
import {
  createEventType,
  eventTypesPage,
  setEventTypeActive,
  updateEventType,
  type EventTypeRow,
} from '../city-events/event-types.server';
import { AdminFieldError, AdminNav } from '../components/admin-nav';
import { readFormWithRefusal } from '../http/body.server';
import { clientOf } from '../http/client.server';
import { domain, formFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '事件类型 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:event-types');
  return domain(() => eventTypesPage(context.runtime.db.em(), user.actor));
}

const INTENTS = ['create', 'update', 'deactivate', 'activate'] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:event-types');
  const { form, refused } = await readFormWithRefusal(request);
  const { intent: rawIntent, ...fields } = Object.fromEntries(form) as Record<string, string>;
  const intent = (INTENTS as readonly string[]).includes(rawIntent)
    ? (rawIntent as (typeof INTENTS)[number])
    : 'create';
  const em = context.runtime.db.em();
  const client = clientOf(request, context);
  try {
    if (refused) throw refused;
    if (intent === 'create') await createEventType(em, user.actor, fields, client);
    else if (intent === 'update') await updateEventType(em, user.actor, fields, client);
    else await setEventTypeActive(em, user.actor, fields, intent === 'activate', client);
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure, values: fields, id: fields.id ?? null }, { status });
  }
  return redirect(`/admin/event-types?done=${intent}`);
}

const input = 'mt-1 block w-full rounded border px-2 py-1.5';

function TypeFields({
  options,
  values,
  errors,
}: {
  options: Awaited<ReturnType<typeof eventTypesPage>>['options'];
  values: Partial<Record<string, string | number>>;
  errors: Record<string, string[]>;
}) {
  const { t } = useT();
  return (
    <>
      <label className="block">
        <span>{t('接口客户端')}</span>
        <select name="clientId" defaultValue={values.clientId ?? ''} className={input}>
          <option value="">{t('请选择')}</option>
          {options.clients.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <AdminFieldError errors={errors} name="clientId" />
      </label>
      <label className="block">
        <span>{t('场景代码')}</span>
        <input name="scene" defaultValue={values.scene ?? ''} placeholder="road-order" className={input} />
        <AdminFieldError errors={errors} name="scene" />
      </label>
      <label className="block">
        <span>{t('类型代码')}</span>
        <input name="code" defaultValue={values.code ?? ''} className={input} />
        <AdminFieldError errors={errors} name="code" />
      </label>
      <label className="block">
        <span>{t('名称')}</span>
        <input name="name" defaultValue={values.name ?? ''} className={input} />
        <AdminFieldError errors={errors} name="name" />
      </label>
      <label className="block">
        <span>{t('诉求分类')}</span>
        <select name="categoryId" defaultValue={values.categoryId ?? ''} className={input}>
          <option value="">{t('请选择')}</option>
          {options.categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.depth ? '　' : ''}
              {c.label}
            </option>
          ))}
        </select>
        <AdminFieldError errors={errors} name="categoryId" />
      </label>
    </>
  );
}

export default function EventTypes() {
  const { types, options } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  // A new location after each save: the add form starts empty again (a refusal brings its values back itself).
  const { key: locationKey } = useLocation();
  const busy = useNavigation().state !== 'idle';
  const { t } = useT();
  const errors = data?.failure && 'fieldErrors' in data.failure ? (data.failure.fieldErrors ?? {}) : {};
  const editing = params.get('edit');
  const formFor = (row: EventTypeRow | null) =>
    data && (row ? data.id === String(row.id) : data.failure.intent === 'create') ? data.values : null;
  return (
    <main className="mx-auto max-w-6xl space-y-4 p-4">
      <AdminNav current="/admin/event-types" />
      <h1 className="text-xl font-semibold">{t('事件类型')}</h1>
      <p className="text-slate-600">
        {t('其他城市系统上报的事件按“客户端 × 场景 × 类型代码”归入诉求分类；未登记或已停用的类型会被拒收（422）。')}
      </p>
      {params.get('done') ? (
        <p role="status" className="rounded bg-emerald-50 p-2 text-emerald-800" data-testid="done">
          {t('已保存')}
        </p>
      ) : null}
      {data?.failure && !Object.keys(errors).length ? (
        <p role="alert" className="rounded bg-red-50 p-2 text-red-800" data-testid="form-error">
          {t(data.failure.message)}
        </p>
      ) : null}
      <Form
        key={locationKey}
        method="post"
        className="grid gap-3 rounded-lg border bg-white p-4 md:grid-cols-5"
        aria-label={t('新增事件类型')}
        noValidate
      >
        <CsrfField />
        <TypeFields
          options={options}
          values={formFor(null) ?? {}}
          errors={data?.failure.intent === 'create' ? errors : {}}
        />
        <div className="md:col-span-5">
          <button
            name="intent"
            value="create"
            disabled={busy}
            className="rounded bg-red-700 px-4 py-1.5 text-white disabled:opacity-50"
            data-testid="type-create"
          >
            {t('新增')}
          </button>
        </div>
      </Form>
      <table className="w-full rounded-lg border bg-white text-left text-sm" data-testid="type-list">
        <thead className="border-b bg-slate-50">
          <tr>
            <th className="px-3 py-1.5">{t('接口客户端')}</th>
            <th>{t('场景代码')}</th>
            <th>{t('类型代码')}</th>
            <th>{t('名称')}</th>
            <th>{t('诉求分类')}</th>
            <th>{t('状态')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {types.length === 0 ? (
            <tr>
              <td colSpan={7} className="px-3 py-3 text-slate-500">
                {t('还没有事件类型')}
              </td>
            </tr>
          ) : null}
          {types.map((r) =>
            editing === String(r.id) || (data && data.id === String(r.id) && data.failure.intent === 'update') ? (
              <tr key={r.id} className="border-b">
                <td colSpan={7} className="p-3">
                  <Form method="post" className="grid gap-3 md:grid-cols-5" aria-label={t('修改事件类型')} noValidate>
                    <CsrfField />
                    <input type="hidden" name="id" value={r.id} />
                    <input type="hidden" name="version" value={r.version} />
                    <TypeFields options={options} values={formFor(r) ?? r} errors={errors} />
                    <div className="md:col-span-5">
                      <button
                        name="intent"
                        value="update"
                        disabled={busy}
                        className="rounded bg-red-700 px-4 py-1.5 text-white disabled:opacity-50"
                      >
                        {t('保存')}
                      </button>
                    </div>
                  </Form>
                </td>
              </tr>
            ) : (
              <tr key={r.id} className="border-b last:border-0" data-testid={`type-${r.scene}-${r.code}`}>
                <td className="px-3 py-1.5">{r.client}</td>
                <td className="font-mono">{r.scene}</td>
                <td className="font-mono">{r.code}</td>
                <td>{r.name}</td>
                <td>{r.category}</td>
                <td>{r.active ? t('启用') : t('已停用')}</td>
                <td className="flex gap-2 py-1.5">
                  <a href={`?edit=${r.id}`} className="rounded border px-2 py-0.5">
                    {t('修改')}
                  </a>
                  <Form method="post">
                    <CsrfField />
                    <input type="hidden" name="id" value={r.id} />
                    <input type="hidden" name="version" value={r.version} />
                    <button
                      name="intent"
                      value={r.active ? 'deactivate' : 'activate'}
                      disabled={busy}
                      className="rounded border px-2 py-0.5 text-red-700"
                    >
                      {r.active ? t('停用') : t('启用')}
                    </button>
                  </Form>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </main>
  );
}
