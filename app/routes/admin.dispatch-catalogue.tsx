import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import { AdminFieldError, AdminNav } from '../components/admin-nav';
import { LeadAndAssistingPicker } from '../components/department-picker';
import { requireUserWith } from '../auth/session.server';
import {
  cataloguePage,
  createCatalogueEntry,
  endCatalogueEntry,
  updateCatalogueEntry,
  type CatalogueFormOptions,
  type CatalogueRow,
} from '../dispatch/catalogue-admin.server';
import { clientOf } from '../http/client.server';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '派单目录 · 12345 热线' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:dispatch-catalogue');
  const edit = z.coerce.number().int().positive().safeParse(new URL(request.url).searchParams.get('edit'));
  const page = await domain(() => cataloguePage(context.runtime.db.em(), user.actor));
  return { ...page, editId: edit.success ? edit.data : null };
}

const actionForm = z.object({
  intent: z.enum(['create', 'update', 'end']),
  id: z.coerce.number().int().positive().optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:dispatch-catalogue');
  const { form, refused } = await readFormWithRefusal(request);
  // The assisting units are a list: checkboxes post the same name once per unit.
  const raw = { ...Object.fromEntries(form), assistingDepartmentIds: form.getAll('assistingDepartmentIds') };
  const parsed = actionForm.safeParse(raw);
  if (!parsed.success || (parsed.data.intent !== 'create' && !parsed.data.id)) {
    return json({ failure: { intent: '', message: '无效的操作' } as FormFailure, id: null }, { status: 400 });
  }
  const { intent, id } = parsed.data;
  const em = context.runtime.db.em();
  const client = clientOf(request, context);
  try {
    if (refused) throw refused;
    if (intent === 'create') await createCatalogueEntry(em, user.actor, raw, client);
    else if (intent === 'update') await updateCatalogueEntry(em, user.actor, id!, raw, client);
    else await endCatalogueEntry(em, user.actor, id!, raw, client);
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure, id: id ?? null }, { status });
  }
  return redirect('/admin/dispatch-catalogue');
}

const field = 'mt-1 w-full rounded border px-2 py-1';
const LEVEL_LABELS = { district: '区', street: '街道', grid: '网格' } as const;
const STATUS_LABELS = { current: '有效', future: '未生效', ended: '已失效' } as const;

function EntryForm({
  entry,
  options,
  today,
  failure,
}: {
  entry: CatalogueRow | null;
  options: CatalogueFormOptions;
  today: string;
  failure: FormFailure | null;
}) {
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const errors = failure?.fieldErrors ?? {};
  const title = entry ? t('编辑目录条目') : t('新增目录条目');
  return (
    <Form method="post" className="space-y-3 rounded-lg border bg-white p-4" aria-label={title} noValidate>
      <CsrfField />
      <h2 className="font-semibold">{title}</h2>
      {failure ? (
        <p role="alert" className="text-red-600">
          {t(failure.message)}
        </p>
      ) : null}
      {entry ? <input type="hidden" name="id" value={entry.id} /> : null}
      <label className="block">
        <span className="text-slate-600">{t('分类')}</span>
        <select
          name="categoryId"
          defaultValue={entry?.categoryId ?? ''}
          className={field}
          aria-invalid={Boolean(errors.categoryId)}
        >
          <option value="">{t('请选择')}</option>
          {options.categories.map((c) => (
            <option key={c.id} value={c.id}>
              {'\u3000'.repeat(c.depth)}
              {c.label}
            </option>
          ))}
        </select>
        <AdminFieldError errors={errors} name="categoryId" />
      </label>
      <label className="block">
        <span className="text-slate-600">{t('区域（区、街道或网格）')}</span>
        <select name="area" defaultValue={entry?.area ?? ''} className={field} aria-invalid={Boolean(errors.area)}>
          <option value="">{t('请选择')}</option>
          {(['district', 'street', 'grid'] as const).map((level) => (
            <optgroup key={level} label={t(LEVEL_LABELS[level])}>
              {options.areas
                .filter((a) => a.level === level)
                .map((a) => (
                  <option key={a.value} value={a.value}>
                    {a.label}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        <AdminFieldError errors={errors} name="area" />
      </label>
      <LeadAndAssistingPicker
        units={options.units}
        lead={entry?.leadDepartmentId ?? null}
        assisting={entry?.assisting.map((d) => d.id) ?? []}
        errors={errors}
        leadName="leadDepartmentId"
      />
      <div className="grid gap-3 md:grid-cols-2">
        <label className="block">
          <span className="text-slate-600">{t('生效日期')}</span>
          <input
            name="validFrom"
            type="date"
            defaultValue={entry?.validFrom ?? today}
            className={field}
            aria-invalid={Boolean(errors.validFrom)}
          />
          <AdminFieldError errors={errors} name="validFrom" />
        </label>
        <label className="block">
          <span className="text-slate-600">{t('失效日期（可空）')}</span>
          <input
            name="validTo"
            type="date"
            defaultValue={entry?.validTo ?? ''}
            className={field}
            aria-invalid={Boolean(errors.validTo)}
          />
          <AdminFieldError errors={errors} name="validTo" />
        </label>
      </div>
      <label className="block">
        <span className="text-slate-600">{t('备注')}</span>
        <input name="note" defaultValue={entry?.note ?? ''} className={field} aria-invalid={Boolean(errors.note)} />
        <AdminFieldError errors={errors} name="note" />
      </label>
      <div className="flex items-center gap-3">
        <button
          name="intent"
          value={entry ? 'update' : 'create'}
          disabled={busy}
          className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
        >
          {entry ? t('保存') : t('新增')}
        </button>
        {entry ? (
          <Link to="/admin/dispatch-catalogue" className="text-slate-600 hover:underline">
            {t('取消编辑')}
          </Link>
        ) : null}
      </div>
    </Form>
  );
}

export default function AdminDispatchCatalogue() {
  const { entries, options, today, editId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const editing = editId ? (entries.find((e) => e.id === editId) ?? null) : null;
  const failed = (intent: string) => (result?.failure?.intent === intent ? result.failure : null);
  return (
    <div className="space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-lg font-semibold">{t('派单目录')}</h1>
        <AdminNav current="/admin/dispatch-catalogue" />
      </div>
      <p className="text-sm text-slate-600">
        {t('派单时按目录预选主办、协办单位：本分类优先于上级分类，网格优先于街道，街道优先于区；只用当天有效的条目。')}
      </p>
      {result?.failure?.intent === '' ? (
        <p role="alert" className="text-red-600">
          {t(result.failure.message)}
        </p>
      ) : null}
      <div className="grid gap-4 xl:grid-cols-3">
        <section className="overflow-x-auto rounded-lg border bg-white xl:col-span-2" aria-labelledby="catalogue-h">
          <h2 id="catalogue-h" className="border-b px-4 py-2 font-semibold">
            {t('目录条目（{{n}}）', { n: entries.length })}
          </h2>
          <table className="w-full text-left">
            <thead>
              <tr className="border-b text-slate-500">
                <th className="px-4 py-1">{t('分类')}</th>
                <th>{t('区域')}</th>
                <th>{t('主办单位')}</th>
                <th>{t('协办单位')}</th>
                <th>{t('有效期')}</th>
                <th>{t('状态')}</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr
                  key={e.id}
                  data-testid={`catalogue-entry-${e.id}`}
                  className={`border-b align-top last:border-0 ${e.status === 'ended' ? 'text-slate-400' : ''}`}
                >
                  <td className="px-4 py-1.5">{e.category}</td>
                  <td className="pr-2">
                    <span className="mr-1 rounded bg-slate-100 px-1 text-xs">{t(LEVEL_LABELS[e.level])}</span>
                    {e.areaName}
                  </td>
                  <td className="pr-2">{e.lead}</td>
                  <td className="pr-2">{e.assisting.map((d) => d.name).join(t('、')) || '—'}</td>
                  <td className="whitespace-nowrap pr-2">
                    {e.validFrom} – {e.validTo ?? t('长期')}
                  </td>
                  <td className="pr-2" data-testid="catalogue-status">
                    {t(STATUS_LABELS[e.status])}
                  </td>
                  <td className="whitespace-nowrap py-1.5 pr-4">
                    <Link
                      to={`?edit=${e.id}`}
                      className="text-red-700 hover:underline"
                      aria-label={t('编辑条目 {{n}}', { n: e.id })}
                    >
                      {t('编辑')}
                    </Link>
                    {e.status !== 'ended' ? (
                      <Form method="post" className="ml-3 inline" aria-label={t('终止条目 {{n}}', { n: e.id })}>
                        <CsrfField />
                        <input type="hidden" name="id" value={e.id} />
                        <button
                          name="intent"
                          value="end"
                          disabled={busy}
                          className="rounded border px-2 py-0.5 hover:bg-slate-100"
                        >
                          {t('终止')}
                        </button>
                      </Form>
                    ) : null}
                    {failed('end') && result?.id === e.id ? (
                      <p role="alert" className="text-xs text-red-600">
                        {t(failed('end')!.fieldErrors?.validTo?.[0] ?? failed('end')!.message)}
                      </p>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <div className="space-y-4">
          {editing ? (
            <EntryForm
              key={`edit-${editing.id}`}
              entry={editing}
              options={options}
              today={today}
              failure={failed('update')}
            />
          ) : null}
          {/* Keyed by the row count so a successful add clears the form; a refused one keeps what was chosen. */}
          <EntryForm
            key={`new-${entries.length}`}
            entry={null}
            options={options}
            today={today}
            failure={failed('create')}
          />
        </div>
      </div>
    </div>
  );
}
