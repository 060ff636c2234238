import { AdminFieldError, AdminNav } from '../components/admin-nav';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import {
  createUser,
  listUsers,
  resetMfa,
  resetPassword,
  setUserActive,
  unlockUser,
  updateUser,
  userOptions,
  type UserOptions,
  type UserRow,
} from '../admin/users.server';
import { mfaPolicy, setMfaPolicy } from '../auth/mfa-policy.server';
import { requireUserWith } from '../auth/session.server';
import { clientOf } from '../http/client.server';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { useT } from '../i18n/use-t';
import { ROLE_LABELS } from '../ui/labels';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '用户管理 · 12345 热线' }];

const ROLE_OPTIONS = [
  'operator',
  'dispatcher',
  'handler',
  'gridWorker',
  'mediator',
  'reviewer',
  'supervisor',
  'admin',
] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:users');
  const em = context.runtime.db.em();
  const edit = z.coerce.number().int().positive().safeParse(new URL(request.url).searchParams.get('edit'));
  const [users, options, requiredFor] = await domain(() =>
    Promise.all([listUsers(em, user.actor), userOptions(em, user.actor), mfaPolicy(em)]),
  );
  return { users, options, editId: edit.success ? edit.data : null, selfId: user.id, mfaRequiredFor: requiredFor };
}

const actionForm = z.object({
  intent: z.enum(['create', 'update', 'resetPassword', 'resetMfa', 'deactivate', 'reactivate', 'unlock', 'mfaPolicy']),
  id: z.coerce.number().int().positive().optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:users');
  const { form: data, refused } = await readFormWithRefusal(request);
  const form = { ...Object.fromEntries(data), gridIds: data.getAll('gridIds') };
  const parsed = actionForm.safeParse(form);
  const needsId = parsed.success && !['create', 'mfaPolicy'].includes(parsed.data.intent);
  if (!parsed.success || (needsId && !parsed.data.id)) {
    return json({ failure: { intent: '', message: '无效的操作' } as FormFailure, id: null }, { status: 400 });
  }
  const { intent, id } = parsed.data;
  const em = context.runtime.db.em();
  const client = clientOf(request, context);
  try {
    if (refused) throw refused;
    if (intent === 'create') await createUser(em, user.actor, form, client);
    else if (intent === 'update') await updateUser(em, user.actor, id!, form, client);
    else if (intent === 'resetPassword') await resetPassword(em, user.actor, id!, form, client);
    else if (intent === 'unlock') await unlockUser(em, user.actor, id!, client);
    else if (intent === 'resetMfa') await resetMfa(em, user.actor, id!, client);
    else if (intent === 'mfaPolicy') await setMfaPolicy(em, user.actor, form, client);
    else await setUserActive(em, user.actor, id!, intent === 'reactivate', client);
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure, id: id ?? null }, { status });
  }
  const staysOnUser = intent === 'update' || intent === 'resetPassword' || intent === 'resetMfa';
  return redirect(staysOnUser ? `/admin/users?edit=${id}` : '/admin/users');
}

const field = 'mt-1 w-full rounded border px-2 py-1';

/** Role, department and grids: shared by the create and the edit form. */
function Assignment({
  user,
  options,
  errors,
}: {
  user: UserRow | null;
  options: UserOptions;
  errors: Record<string, string[]>;
}) {
  const { t } = useT();
  return (
    <>
      <label className="block">
        <span className="text-slate-600">{t('显示名称')}</span>
        <input
          name="displayName"
          defaultValue={user?.displayName ?? ''}
          className={field}
          aria-invalid={Boolean(errors.displayName)}
        />
        <AdminFieldError errors={errors} name="displayName" />
      </label>
      <div className="grid gap-3 md:grid-cols-2">
        <label className="block">
          <span className="text-slate-600">{t('角色')}</span>
          <select
            name="role"
            defaultValue={user?.role ?? 'operator'}
            className={field}
            aria-invalid={Boolean(errors.role)}
          >
            {ROLE_OPTIONS.map((r) => (
              <option key={r} value={r}>
                {t(ROLE_LABELS[r])}
              </option>
            ))}
          </select>
          <AdminFieldError errors={errors} name="role" />
        </label>
        <label className="block">
          <span className="text-slate-600">{t('所属部门')}</span>
          <select
            name="departmentId"
            defaultValue={user?.departmentId ?? ''}
            className={field}
            aria-invalid={Boolean(errors.departmentId)}
          >
            <option value="">{t('（无）')}</option>
            {options.departments.map((d) => (
              <option key={d.id} value={d.id}>
                {'\u3000'.repeat(d.depth)}
                {d.name}
              </option>
            ))}
          </select>
          <AdminFieldError errors={errors} name="departmentId" />
        </label>
      </div>
      <fieldset>
        <legend className="text-slate-600">{t('负责网格（仅网格员）')}</legend>
        <div className="mt-1 grid max-h-40 grid-cols-2 gap-x-3 overflow-y-auto rounded border p-2">
          {options.grids.map((g) => (
            <label key={g.id} className="flex items-center gap-1">
              <input
                type="checkbox"
                name="gridIds"
                value={g.id}
                defaultChecked={user?.gridIds.includes(g.id) ?? false}
              />
              {g.name}
            </label>
          ))}
        </div>
        <AdminFieldError errors={errors} name="gridIds" />
      </fieldset>
    </>
  );
}

export default function AdminUsers() {
  const { users, options, editId, selfId, mfaRequiredFor } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const editing = editId ? (users.find((u) => u.id === editId) ?? null) : null;
  const failed = (intent: string) => (result?.failure?.intent === intent ? result.failure : null);
  const errorsOf = (intent: string) => failed(intent)?.fieldErrors ?? {};
  const rowFailure = (id: number) => {
    const f =
      result?.failure && result.id === id && ['deactivate', 'reactivate', 'unlock'].includes(result.failure.intent)
        ? result.failure
        : null;
    return f ? (
      <p role="alert" className="text-xs text-red-600">
        {t(f.fieldErrors?.id?.[0] ?? f.message)}
      </p>
    ) : null;
  };
  return (
    <div className="space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-lg font-semibold">{t('用户管理')}</h1>
        <AdminNav current="/admin/users" />
      </div>
      {result?.failure?.intent === '' ? (
        <p role="alert" className="text-red-600">
          {t(result.failure.message)}
        </p>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <section className="rounded-lg border bg-white lg:col-span-2" aria-labelledby="users-h">
          <h2 id="users-h" className="border-b px-4 py-2 font-semibold">
            {t('用户（{{n}}）', { n: users.length })}
          </h2>
          <table className="w-full text-left">
            <thead>
              <tr className="border-b text-slate-500">
                <th className="px-4 py-1">{t('用户名')}</th>
                <th>{t('显示名称')}</th>
                <th>{t('角色')}</th>
                <th>{t('所属部门')}</th>
                <th>{t('网格')}</th>
                <th>{t('状态')}</th>
                <th>{t('双因素')}</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} className={`border-b align-top last:border-0 ${u.active ? '' : 'text-slate-400'}`}>
                  <td className="px-4 py-1.5 font-mono">{u.username}</td>
                  <td>{u.displayName}</td>
                  <td className="whitespace-nowrap pr-2">{t(ROLE_LABELS[u.role] ?? u.role)}</td>
                  <td>{u.department ?? '—'}</td>
                  <td className="max-w-48 pr-2 text-xs">{u.grids.join('、') || '—'}</td>
                  <td className="whitespace-nowrap pr-2">
                    {u.active ? t('启用') : t('已停用')}
                    {u.locked ? (
                      <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-800">{t('已锁定')}</span>
                    ) : null}
                  </td>
                  <td className="whitespace-nowrap pr-2">{u.active ? t('启用') : t('已停用')}</td>
                  <td className="whitespace-nowrap pr-2" data-testid={`mfa-${u.username}`}>
                    {u.mfaEnabled ? t('已启用') : t('未启用')}
                  </td>
                  <td className="whitespace-nowrap py-1.5 pl-2 pr-4">
                    <Link
                      to={`?edit=${u.id}`}
                      className="text-red-700 hover:underline"
                      aria-label={t('编辑 {{name}}', { name: u.username })}
                    >
                      {t('编辑')}
                    </Link>
                    {u.id !== selfId ? (
                      <Form
                        method="post"
                        className="ml-3 inline"
                        aria-label={
                          u.active ? t('停用 {{name}}', { name: u.username }) : t('启用 {{name}}', { name: u.username })
                        }
                      >
                        <CsrfField />
                        <input type="hidden" name="id" value={u.id} />
                        <button
                          name="intent"
                          value={u.active ? 'deactivate' : 'reactivate'}
                          disabled={busy}
                          className="rounded border px-2 py-0.5 hover:bg-slate-100"
                        >
                          {u.active ? t('停用') : t('启用')}
                        </button>
                      </Form>
                    ) : null}
                    {u.locked ? (
                      <Form method="post" className="ml-3 inline" aria-label={t('解锁 {{name}}', { name: u.username })}>
                        <CsrfField />
                        <input type="hidden" name="id" value={u.id} />
                        <button
                          name="intent"
                          value="unlock"
                          disabled={busy}
                          className="rounded border border-amber-400 px-2 py-0.5 text-amber-800 hover:bg-amber-50"
                        >
                          {t('解锁')}
                        </button>
                      </Form>
                    ) : null}
                    {rowFailure(u.id)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <div className="space-y-4">
          {editing ? (
            <>
              <Form
                key={`edit-${editing.id}`}
                method="post"
                className="space-y-3 rounded-lg border bg-white p-4"
                aria-label={t('编辑用户 {{name}}', { name: editing.username })}
                noValidate
              >
                <CsrfField />
                <h2 className="font-semibold">
                  {t('编辑用户')} <span className="font-mono">{editing.username}</span>
                </h2>
                {failed('update') ? (
                  <p role="alert" className="text-red-600">
                    {t(failed('update')!.message)}
                  </p>
                ) : null}
                <input type="hidden" name="id" value={editing.id} />
                <Assignment user={editing} options={options} errors={errorsOf('update')} />
                <div className="flex items-center gap-3">
                  <button
                    name="intent"
                    value="update"
                    disabled={busy}
                    className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
                  >
                    {t('保存修改')}
                  </button>
                  <Link to="/admin/users" className="text-slate-600 hover:underline">
                    {t('取消编辑')}
                  </Link>
                </div>
              </Form>
              <Form
                key={`pw-${editing.id}`}
                method="post"
                className="space-y-3 rounded-lg border bg-white p-4"
                aria-label={t('重置密码 {{name}}', { name: editing.username })}
                noValidate
              >
                <CsrfField />
                <h2 className="font-semibold">{t('重置密码')}</h2>
                <p className="text-xs text-slate-500">{t('重置后该用户已登录的会话全部失效。')}</p>
                <input type="hidden" name="id" value={editing.id} />
                <label className="block">
                  <span className="text-slate-600">{t('新密码')}</span>
                  <input
                    type="password"
                    name="password"
                    autoComplete="new-password"
                    className={field}
                    aria-invalid={Boolean(errorsOf('resetPassword').password)}
                  />
                  <AdminFieldError errors={errorsOf('resetPassword')} name="password" />
                </label>
                <button
                  name="intent"
                  value="resetPassword"
                  disabled={busy}
                  className="rounded border px-4 py-1.5 hover:bg-slate-100"
                >
                  {t('重置密码')}
                </button>
              </Form>
              <Form
                key={`mfa-${editing.id}`}
                method="post"
                className="space-y-3 rounded-lg border bg-white p-4"
                aria-label={t('重置双因素认证 {{name}}', { name: editing.username })}
              >
                <CsrfField />
                <h2 className="font-semibold">{t('重置双因素认证')}</h2>
                <p className="text-xs text-slate-500">
                  {editing.mfaEnabled
                    ? t('手机丢失或更换时使用：删除验证器和恢复码，该用户的会话全部失效，下次登录重新设置。')
                    : t('该用户尚未启用双因素认证。')}
                </p>
                {failed('resetMfa') ? (
                  <p role="alert" className="text-red-600">
                    {t(failed('resetMfa')!.message)}
                  </p>
                ) : null}
                <input type="hidden" name="id" value={editing.id} />
                <button
                  name="intent"
                  value="resetMfa"
                  disabled={busy || !editing.mfaEnabled}
                  className="rounded border px-4 py-1.5 hover:bg-slate-100 disabled:opacity-50"
                >
                  {t('重置双因素认证')}
                </button>
              </Form>
            </>
          ) : null}
          <Form
            key={`policy-${mfaRequiredFor}`}
            method="post"
            className="space-y-2 rounded-lg border bg-white p-4"
            aria-label={t('双因素认证要求')}
          >
            <CsrfField />
            <h2 className="font-semibold">{t('双因素认证要求')}</h2>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="requiredFor"
                value="privileged"
                defaultChecked={mfaRequiredFor === 'privileged'}
              />
              {t('仅管理员和值班长（始终必须）')}
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="requiredFor" value="allStaff" defaultChecked={mfaRequiredFor === 'allStaff'} />
              {t('全部工作人员')}
            </label>
            {failed('mfaPolicy') ? (
              <p role="alert" className="text-red-600">
                {t(failed('mfaPolicy')!.message)}
              </p>
            ) : null}
            <button
              name="intent"
              value="mfaPolicy"
              disabled={busy}
              className="rounded border px-4 py-1.5 hover:bg-slate-100"
            >
              {t('保存设置')}
            </button>
          </Form>
          {/* Keyed by the row count so a successful create clears the form; a refused one keeps what was typed. */}
          <Form
            key={users.length}
            method="post"
            className="space-y-3 rounded-lg border bg-white p-4"
            aria-label={t('新增用户')}
            noValidate
          >
            <CsrfField />
            <h2 className="font-semibold">{t('新增用户')}</h2>
            {failed('create') ? (
              <p role="alert" className="text-red-600">
                {t(failed('create')!.message)}
              </p>
            ) : null}
            <label className="block">
              <span className="text-slate-600">{t('用户名')}</span>
              <input
                name="username"
                autoComplete="off"
                className={field}
                aria-invalid={Boolean(errorsOf('create').username)}
              />
              <AdminFieldError errors={errorsOf('create')} name="username" />
            </label>
            <label className="block">
              <span className="text-slate-600">{t('初始密码')}</span>
              <input
                type="password"
                name="password"
                autoComplete="new-password"
                className={field}
                aria-invalid={Boolean(errorsOf('create').password)}
              />
              <AdminFieldError errors={errorsOf('create')} name="password" />
            </label>
            <Assignment user={null} options={options} errors={errorsOf('create')} />
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
