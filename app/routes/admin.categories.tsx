import { AdminFieldError, AdminNav } from '../components/admin-nav';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import {
  createCategory,
  listCategories,
  setCategoryActive,
  updateCategoryLimits,
  type CategoryRow,
} from '../admin/categories.server';
import { userOptions } from '../admin/users.server';
import { requireUserWith } from '../auth/session.server';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '诉求分类与时限 · 12345 热线' }];

const LIMIT_LABELS = [
  ['emergency', '特急件办理时限'],
  ['urgent', '紧急件办理时限'],
  ['normal', '一般件办理时限'],
  ['accept', '签收时限'],
  ['callback', '回访时限'],
] as const;
const UNIT_LABELS: Record<string, string> = { clockHours: '小时', workingHours: '工作小时', workingDays: '工作日' };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:categories');
  const em = context.runtime.db.em();
  const edit = z.coerce.number().int().positive().safeParse(new URL(request.url).searchParams.get('edit'));
  const [categories, options] = await domain(() =>
    Promise.all([listCategories(em, user.actor), userOptions(em, user.actor)]),
  );
  return { categories, departments: options.departments, editId: edit.success ? edit.data : null };
}

const actionForm = z.object({
  intent: z.enum(['create', 'limits', 'deactivate', 'reactivate']),
  id: z.coerce.number().int().positive().optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:categories');
  const { form: data, refused } = await readFormWithRefusal(request);
  const form = Object.fromEntries(data);
  const parsed = actionForm.safeParse(form);
  if (!parsed.success || (parsed.data.intent !== 'create' && !parsed.data.id)) {
    return json({ failure: { intent: '', message: '无效的操作' } as FormFailure, id: null }, { status: 400 });
  }
  const { intent, id } = parsed.data;
  const em = context.runtime.db.em();
  try {
    if (refused) throw refused;
    if (intent === 'create') await createCategory(em, user.actor, form);
    else if (intent === 'limits') await updateCategoryLimits(em, user.actor, id!, form);
    else await setCategoryActive(em, user.actor, id!, intent === 'reactivate');
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure, id: id ?? null }, { status });
  }
  return redirect('/admin/categories');
}

const field = 'mt-1 w-full rounded border px-2 py-1';

function LimitsForm({
  category,
  departments,
  failure,
}: {
  category: CategoryRow;
  departments: { id: number; name: string; depth: number }[];
  failure: FormFailure | null;
}) {
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const errors = failure?.fieldErrors ?? {};
  return (
    <Form
      method="post"
      className="space-y-3 rounded-lg border bg-white p-4"
      aria-label={t('编辑分类 {{name}}', { name: category.name })}
      noValidate
    >
      <CsrfField />
      <h2 className="font-semibold">
        {t('编辑时限')} <span className="font-mono">{category.code}</span> {category.name}
      </h2>
      <p className="text-xs text-slate-500">
        {t('修改后对此后派发的诉求生效，已在办理中的诉求仍按原时限计算。数值为 1–720 的整数。')}
      </p>
      {failure ? (
        <p role="alert" className="text-red-600">
          {t(failure.message)}
        </p>
      ) : null}
      <input type="hidden" name="id" value={category.id} />
      {LIMIT_LABELS.map(([key, label]) => (
        <div key={key} className="grid grid-cols-2 gap-2">
          <label className="block">
            <span className="text-slate-600">{t('{{label}}（数值）', { label: t(label) })}</span>
            <input
              name={`${key}.amount`}
              type="number"
              min={1}
              max={720}
              step={1}
              defaultValue={category.limits[key].amount}
              className={field}
              aria-invalid={Boolean(errors[`${key}.amount`])}
            />
            <AdminFieldError errors={errors} name={`${key}.amount`} />
          </label>
          <label className="block">
            <span className="text-slate-600">{t('{{label}}（单位）', { label: t(label) })}</span>
            <select
              name={`${key}.unit`}
              defaultValue={category.limits[key].unit}
              className={field}
              aria-invalid={Boolean(errors[`${key}.unit`])}
            >
              {Object.entries(UNIT_LABELS).map(([v, l]) => (
                <option key={v} value={v}>
                  {t(l)}
                </option>
              ))}
            </select>
            <AdminFieldError errors={errors} name={`${key}.unit`} />
          </label>
        </div>
      ))}
      <label className="block">
        <span className="text-slate-600">{t('默认承办单位')}</span>
        <select
          name="defaultDepartmentId"
          defaultValue={category.defaultDepartmentId ?? ''}
          className={field}
          aria-invalid={Boolean(errors.defaultDepartmentId)}
        >
          <option value="">{t('（无，由派单员选择）')}</option>
          {departments.map((d) => (
            <option key={d.id} value={d.id}>
              {'\u3000'.repeat(d.depth)}
              {d.name}
            </option>
          ))}
        </select>
        <AdminFieldError errors={errors} name="defaultDepartmentId" />
      </label>
      <div className="flex items-center gap-3">
        <button
          name="intent"
          value="limits"
          disabled={busy}
          className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
        >
          {t('保存时限')}
        </button>
        <Link to="/admin/categories" className="text-slate-600 hover:underline">
          {t('取消编辑')}
        </Link>
      </div>
    </Form>
  );
}

export default function AdminCategories() {
  const { categories, departments, editId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const editing = editId ? (categories.find((c) => c.id === editId) ?? null) : null;
  const failed = (intent: string) => (result?.failure?.intent === intent ? result.failure : null);
  const errorsOf = (intent: string) => failed(intent)?.fieldErrors ?? {};
  const rowFailure = (id: number) => {
    const f =
      result?.failure && result.id === id && ['deactivate', 'reactivate'].includes(result.failure.intent)
        ? result.failure
        : null;
    return f ? (
      <p role="alert" className="text-xs text-red-600">
        {t(f.fieldErrors?.id?.[0] ?? f.message)}
      </p>
    ) : null;
  };
  const limitText = (l: { amount: number; unit: string }) => `${l.amount} ${t(UNIT_LABELS[l.unit] ?? l.unit)}`;
  return (
    <div className="space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-lg font-semibold">{t('诉求分类与时限')}</h1>
        <AdminNav current="/admin/categories" />
      </div>
      {result?.failure?.intent === '' ? (
        <p role="alert" className="text-red-600">
          {t(result.failure.message)}
        </p>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <section className="rounded-lg border bg-white lg:col-span-2" aria-labelledby="categories-h">
          <h2 id="categories-h" className="border-b px-4 py-2 font-semibold">
            {t('分类（{{n}}）', { n: categories.length })}
          </h2>
          <table className="w-full text-left">
            <thead>
              <tr className="border-b text-slate-500">
                <th className="px-4 py-1">{t('分类')}</th>
                <th>{t('特急')}</th>
                <th>{t('紧急')}</th>
                <th>{t('一般')}</th>
                <th>{t('签收')}</th>
                <th>{t('回访')}</th>
                <th>{t('默认承办单位')}</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {categories.map((c) => (
                <tr
                  key={c.id}
                  data-testid={`category-${c.code}`}
                  className={`border-b align-top last:border-0 ${c.active ? '' : 'text-slate-400'}`}
                >
                  <td className="py-1.5 pr-2" style={{ paddingLeft: `${1 + c.depth * 1.25}rem` }}>
                    <span className="font-mono text-slate-500">{c.code}</span> {c.name}
                    {c.active ? '' : t('（已停用）')}
                  </td>
                  {LIMIT_LABELS.map(([key]) => (
                    <td key={key} data-testid={`limit-${key}`} className="whitespace-nowrap pr-2">
                      {limitText(c.limits[key])}
                    </td>
                  ))}
                  <td>{c.defaultDepartment ?? '—'}</td>
                  <td className="whitespace-nowrap py-1.5 pr-4">
                    <Link
                      to={`?edit=${c.id}`}
                      className="text-red-700 hover:underline"
                      aria-label={t('编辑 {{name}}', { name: c.name })}
                    >
                      {t('编辑')}
                    </Link>
                    <Form
                      method="post"
                      className="ml-3 inline"
                      aria-label={
                        c.active ? t('停用 {{name}}', { name: c.name }) : t('启用 {{name}}', { name: c.name })
                      }
                    >
                      <CsrfField />
                      <input type="hidden" name="id" value={c.id} />
                      <button
                        name="intent"
                        value={c.active ? 'deactivate' : 'reactivate'}
                        disabled={busy}
                        className="rounded border px-2 py-0.5 hover:bg-slate-100"
                      >
                        {c.active ? t('停用') : t('启用')}
                      </button>
                    </Form>
                    {rowFailure(c.id)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <div className="space-y-4">
          {editing ? (
            <LimitsForm key={editing.id} category={editing} departments={departments} failure={failed('limits')} />
          ) : null}
          {/* Keyed by the row count so a successful create clears the form; a refused one keeps what was typed. */}
          <Form
            key={categories.length}
            method="post"
            className="space-y-3 rounded-lg border bg-white p-4"
            aria-label={t('新增分类')}
            noValidate
          >
            <CsrfField />
            <h2 className="font-semibold">{t('新增分类')}</h2>
            <p className="text-xs text-slate-500">{t('新分类沿用上级分类的时限，创建后可再调整。')}</p>
            {failed('create') ? (
              <p role="alert" className="text-red-600">
                {t(failed('create')!.message)}
              </p>
            ) : null}
            <label className="block">
              <span className="text-slate-600">{t('上级分类')}</span>
              <select
                name="parentId"
                defaultValue=""
                className={field}
                aria-invalid={Boolean(errorsOf('create').parentId)}
              >
                <option value="">{t('（一级分类）')}</option>
                {categories
                  .filter((c) => c.active && c.depth === 0)
                  .map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.code} {c.name}
                    </option>
                  ))}
              </select>
              <AdminFieldError errors={errorsOf('create')} name="parentId" />
            </label>
            <div className="grid gap-3 md:grid-cols-2">
              <label className="block">
                <span className="text-slate-600">{t('分类编码')}</span>
                <input
                  name="code"
                  inputMode="numeric"
                  className={field}
                  aria-invalid={Boolean(errorsOf('create').code)}
                />
                <AdminFieldError errors={errorsOf('create')} name="code" />
              </label>
              <label className="block">
                <span className="text-slate-600">{t('分类名称')}</span>
                <input name="name" className={field} aria-invalid={Boolean(errorsOf('create').name)} />
                <AdminFieldError errors={errorsOf('create')} name="name" />
              </label>
            </div>
            <label className="block">
              <span className="text-slate-600">{t('默认承办单位')}</span>
              <select
                name="defaultDepartmentId"
                defaultValue=""
                className={field}
                aria-invalid={Boolean(errorsOf('create').defaultDepartmentId)}
              >
                <option value="">{t('（无，由派单员选择）')}</option>
                {departments.map((d) => (
                  <option key={d.id} value={d.id}>
                    {'\u3000'.repeat(d.depth)}
                    {d.name}
                  </option>
                ))}
              </select>
              <AdminFieldError errors={errorsOf('create')} name="defaultDepartmentId" />
            </label>
            <button
              name="intent"
              value="create"
              disabled={busy}
              className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
            >
              {t('新增')}
            </button>
          </Form>
        </div>
      </div>
    </div>
  );
}
