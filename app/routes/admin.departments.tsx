import { AdminFieldError, AdminNav } from '../components/admin-nav';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import {
  changeHotline,
  createDepartment,
  deactivateDepartment,
  listDepartments,
  reactivateDepartment,
  renameDepartment,
} from '../admin/departments.server';
import { requireUserWith } from '../auth/session.server';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { useT } from '../i18n/use-t';
import { REFERRAL_KIND_LABELS } from '../ui/labels';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '部门管理 · 12345 热线' }];

const KIND_LABELS: Record<string, string> = {
  city: '市级',
  district: '区县',
  street: '街道',
  community: '社区',
  functional: '职能部门',
  section: '科室/中队',
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:departments');
  const edit = z.coerce.number().int().positive().safeParse(new URL(request.url).searchParams.get('edit'));
  const departments = await domain(() => listDepartments(context.runtime.db.em(), user.actor));
  return { departments, editId: edit.success ? edit.data : null };
}

const actionForm = z.object({
  intent: z.enum(['create', 'rename', 'hotline', 'deactivate', 'reactivate']),
  id: z.coerce.number().int().positive().optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:departments');
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
    if (intent === 'create') await createDepartment(em, user.actor, form);
    else if (intent === 'rename') await renameDepartment(em, user.actor, id!, form);
    else if (intent === 'hotline') await changeHotline(em, user.actor, id!, form);
    else if (intent === 'deactivate') await deactivateDepartment(em, user.actor, id!);
    else await reactivateDepartment(em, user.actor, id!);
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure, id: id ?? null }, { status });
  }
  return redirect('/admin/departments');
}

const field = 'mt-1 w-full rounded border px-2 py-1';

export default function AdminDepartments() {
  const { departments, editId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const editing = editId ? (departments.find((d) => d.id === editId) ?? null) : null;
  const failed = (intent: string) => (result?.failure?.intent === intent ? result.failure : null);
  const errorsOf = (intent: string) => failed(intent)?.fieldErrors ?? {};
  const rowFailure = (id: number) => {
    const f =
      result?.failure && result.id === id && ['deactivate', 'reactivate'].includes(result.failure.intent)
        ? result.failure
        : null;
    return f ? (
      <ul role="alert" className="text-xs text-red-600">
        {(f.fieldErrors?.id ?? [f.message]).map((m) => (
          <li key={m}>{t(m)}</li>
        ))}
      </ul>
    ) : null;
  };
  const parents = departments.filter((d) => d.active && d.kind !== 'community');
  return (
    <div className="space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-lg font-semibold">{t('部门管理')}</h1>
        <AdminNav current="/admin/departments" />
      </div>
      {result?.failure?.intent === '' ? (
        <p role="alert" className="text-red-600">
          {t(result.failure.message)}
        </p>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <section className="rounded-lg border bg-white lg:col-span-2" aria-labelledby="departments-h">
          <h2 id="departments-h" className="border-b px-4 py-2 font-semibold">
            {t('部门（{{n}}）', { n: departments.length })}
          </h2>
          <table className="w-full text-left">
            <thead>
              <tr className="border-b text-slate-500">
                <th className="px-4 py-1">{t('名称')}</th>
                <th>{t('编码')}</th>
                <th>{t('类型')}</th>
                <th>{t('热线电话')}</th>
                <th>{t('用户')}</th>
                <th>{t('状态')}</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {departments.map((d) => (
                <tr key={d.id} className={`border-b align-top last:border-0 ${d.active ? '' : 'text-slate-400'}`}>
                  <td className="py-1.5 pr-2" style={{ paddingLeft: `${1 + d.depth * 1.25}rem` }}>
                    {d.depth ? <span className="text-slate-300">└ </span> : null}
                    {d.name}
                  </td>
                  <td className="pr-2 font-mono">{d.code}</td>
                  <td className="whitespace-nowrap pr-2">
                    {t(KIND_LABELS[d.kind] ?? d.kind)}
                    {d.referralKind ? (
                      <span className="ml-1 rounded bg-slate-100 px-1 text-xs" data-testid="agency-kind">
                        {t(REFERRAL_KIND_LABELS[d.referralKind])}
                      </span>
                    ) : null}
                  </td>
                  <td className="pr-2 font-mono">{d.hotline}</td>
                  <td>{d.users}</td>
                  <td className="whitespace-nowrap pr-2">{d.active ? t('启用') : t('已停用')}</td>
                  <td className="whitespace-nowrap py-1.5 pl-2 pr-4">
                    <Link
                      to={`?edit=${d.id}`}
                      className="text-red-700 hover:underline"
                      aria-label={t('编辑 {{name}}', { name: d.name })}
                    >
                      {t('编辑')}
                    </Link>
                    {d.kind !== 'city' ? (
                      <Form
                        method="post"
                        className="ml-3 inline"
                        aria-label={
                          d.active ? t('停用 {{name}}', { name: d.name }) : t('启用 {{name}}', { name: d.name })
                        }
                      >
                        <CsrfField />
                        <input type="hidden" name="id" value={d.id} />
                        <button
                          name="intent"
                          value={d.active ? 'deactivate' : 'reactivate'}
                          disabled={busy}
                          className="rounded border px-2 py-0.5 hover:bg-slate-100"
                        >
                          {d.active ? t('停用') : t('启用')}
                        </button>
                      </Form>
                    ) : null}
                    {rowFailure(d.id)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <div className="space-y-4">
          {editing ? (
            <section key={editing.id} className="space-y-3 rounded-lg border bg-white p-4" aria-labelledby="edit-h">
              <h2 id="edit-h" className="font-semibold">
                {t('编辑部门 {{name}}', { name: editing.name })}
              </h2>
              <Form
                method="post"
                className="space-y-2"
                aria-label={t('修改名称 {{name}}', { name: editing.name })}
                noValidate
              >
                <CsrfField />
                <input type="hidden" name="id" value={editing.id} />
                {failed('rename') && !errorsOf('rename').name ? (
                  <p role="alert" className="text-red-600">
                    {t(failed('rename')!.message)}
                  </p>
                ) : null}
                <label className="block">
                  <span className="text-slate-600">{t('部门名称')}</span>
                  <input
                    name="name"
                    defaultValue={editing.name}
                    className={field}
                    aria-invalid={Boolean(errorsOf('rename').name)}
                  />
                  <AdminFieldError errors={errorsOf('rename')} name="name" />
                </label>
                <button
                  name="intent"
                  value="rename"
                  disabled={busy}
                  className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
                >
                  {t('保存名称')}
                </button>
              </Form>
              <Form
                method="post"
                className="space-y-2"
                aria-label={t('修改热线 {{name}}', { name: editing.name })}
                noValidate
              >
                <CsrfField />
                <input type="hidden" name="id" value={editing.id} />
                {failed('hotline') && !errorsOf('hotline').hotline ? (
                  <p role="alert" className="text-red-600">
                    {t(failed('hotline')!.message)}
                  </p>
                ) : null}
                <label className="block">
                  <span className="text-slate-600">{t('热线电话')}</span>
                  <input
                    name="hotline"
                    defaultValue={editing.hotline}
                    className={field}
                    aria-invalid={Boolean(errorsOf('hotline').hotline)}
                  />
                  <AdminFieldError errors={errorsOf('hotline')} name="hotline" />
                </label>
                <button
                  name="intent"
                  value="hotline"
                  disabled={busy}
                  className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
                >
                  {t('保存热线')}
                </button>
              </Form>
              <Link to="/admin/departments" className="text-slate-600 hover:underline">
                {t('取消编辑')}
              </Link>
            </section>
          ) : null}
          {/* Keyed by the row count so a successful create clears the form; a refused one keeps what was typed. */}
          <Form
            key={departments.length}
            method="post"
            className="space-y-3 rounded-lg border bg-white p-4"
            aria-label={t('新增部门')}
            noValidate
          >
            <CsrfField />
            <h2 className="font-semibold">{t('新增部门')}</h2>
            {failed('create') ? (
              <p role="alert" className="text-red-600">
                {t(failed('create')!.message)}
              </p>
            ) : null}
            <label className="block">
              <span className="text-slate-600">{t('上级部门')}</span>
              <select
                name="parentId"
                defaultValue=""
                className={field}
                aria-invalid={Boolean(errorsOf('create').parentId)}
              >
                <option value="">{t('（请选择）')}</option>
                {parents.map((d) => (
                  <option key={d.id} value={d.id}>
                    {'\u3000'.repeat(d.depth)}
                    {d.name}
                  </option>
                ))}
              </select>
              <AdminFieldError errors={errorsOf('create')} name="parentId" />
            </label>
            <label className="block">
              <span className="text-slate-600">{t('类型')}</span>
              <select
                name="kind"
                defaultValue="functional"
                className={field}
                aria-invalid={Boolean(errorsOf('create').kind)}
              >
                {['district', 'street', 'community', 'functional'].map((k) => (
                  <option key={k} value={k}>
                    {t(KIND_LABELS[k])}
                  </option>
                ))}
              </select>
              <AdminFieldError errors={errorsOf('create')} name="kind" />
            </label>
            <label className="block">
              <span className="text-slate-600">{t('转介机构（仅职能部门）')}</span>
              <select
                name="referralKind"
                defaultValue=""
                className={field}
                aria-invalid={Boolean(errorsOf('create').referralKind)}
              >
                <option value="">{t('否')}</option>
                {Object.entries(REFERRAL_KIND_LABELS).map(([k, l]) => (
                  <option key={k} value={k}>
                    {t(l)}
                  </option>
                ))}
              </select>
              <AdminFieldError errors={errorsOf('create')} name="referralKind" />
            </label>
            <div className="grid gap-3 md:grid-cols-2">
              <label className="block">
                <span className="text-slate-600">{t('部门编码')}</span>
                <input name="code" className={field} aria-invalid={Boolean(errorsOf('create').code)} />
                <AdminFieldError errors={errorsOf('create')} name="code" />
              </label>
              <label className="block">
                <span className="text-slate-600">{t('热线电话')}</span>
                <input
                  name="hotline"
                  placeholder={t('例如 0571-87000102')}
                  className={field}
                  aria-invalid={Boolean(errorsOf('create').hotline)}
                />
                <AdminFieldError errors={errorsOf('create')} name="hotline" />
              </label>
            </div>
            <label className="block">
              <span className="text-slate-600">{t('部门名称')}</span>
              <input name="name" className={field} aria-invalid={Boolean(errorsOf('create').name)} />
              <AdminFieldError errors={errorsOf('create')} name="name" />
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
