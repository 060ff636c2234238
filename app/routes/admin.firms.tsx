import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import { AdminFieldError, AdminNav } from '../components/admin-nav';
import { requireUserWith } from '../auth/session.server';
import { localDateOf } from '../calendar/working-time';
import {
  createFirm,
  firmById,
  firmFormOptions,
  firmFormValues,
  firmHistory,
  searchFirms,
  setFirmBlacklist,
  updateFirm,
  type FirmHistoryEntry,
  type FirmRow,
} from '../firms/firms.server';
import { clientOf } from '../http/client.server';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';
import { FIRM_CHANGE_LABELS, FIRM_SIZE_LABELS } from '../ui/labels';

export const meta: MetaFunction = () => [{ title: '企业库 · 12345 热线' }];

const id = z.coerce.number().int().positive();

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:firms');
  const params = new URL(request.url).searchParams;
  const q = z
    .string()
    .trim()
    .max(100)
    .catch('')
    .parse(params.get('q') ?? '');
  const blacklisted = params.get('blacklisted') === 'on';
  const edit = id.safeParse(params.get('edit'));
  const saved = id.safeParse(params.get('saved'));
  const em = context.runtime.db.em();
  const [found, options, editing, history] = await Promise.all([
    domain(() => searchFirms(em, user.actor, { q, blacklisted })),
    firmFormOptions(em),
    edit.success ? domain(() => firmById(em, user.actor, edit.data)) : null,
    edit.success ? domain(() => firmHistory(em, user.actor, edit.data)) : Promise.resolve([] as FirmHistoryEntry[]),
  ]);
  return {
    ...found,
    ...options,
    q,
    blacklisted,
    editing,
    history,
    savedId: saved.success ? saved.data : null,
    today: localDateOf(new Date()),
  };
}

const actionForm = z.object({
  intent: z.enum(['create', 'update', 'blacklist']),
  id: z.coerce.number().int().positive().optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'admin:firms');
  const { form, refused } = await readFormWithRefusal(request);
  const raw = firmFormValues(form);
  const parsed = actionForm.safeParse(raw);
  if (!parsed.success || (parsed.data.intent !== 'create' && !parsed.data.id))
    return json({ failure: { intent: '', message: '无效的操作' } as FormFailure }, { status: 400 });
  const { intent, id: firmId } = parsed.data;
  const em = context.runtime.db.em();
  const client = clientOf(request, context);
  // Back to the list as it was searched, the saved firm open for editing.
  const back = (savedId: number) =>
    redirect(
      `/admin/firms?${new URLSearchParams({ q: new URL(request.url).searchParams.get('q') ?? '', saved: String(savedId), edit: String(savedId) })}`,
    );
  try {
    if (refused) throw refused;
    if (intent === 'create') return back((await createFirm(em, user.actor, raw, client)).id);
    if (intent === 'update') await updateFirm(em, user.actor, firmId!, raw, client);
    else await setFirmBlacklist(em, user.actor, firmId!, raw, client);
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure }, { status });
  }
  return back(firmId!);
}

const field = 'mt-1 w-full rounded border px-2 py-1';
const RATING_NOTE: Record<string, string> = { A: '优', B: '良', C: '中', D: '差' };

function FirmForm({
  firm,
  districts,
  failure,
}: {
  firm: FirmRow | null;
  districts: { id: number; name: string }[];
  failure: FormFailure | null;
}) {
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const errors = failure?.fieldErrors ?? {};
  const title = firm ? t('编辑企业 {{name}}', { name: firm.name }) : t('新增企业');
  const contacts = [...(firm?.contacts ?? []), { phone: '', name: '', role: '' }];
  while (contacts.length < 2) contacts.push({ phone: '', name: '', role: '' });
  const input = (name: string, label: string, value: string | undefined, type = 'text') => (
    <label className="block">
      <span className="text-slate-600">{t(label)}</span>
      <input
        name={name}
        type={type}
        defaultValue={value ?? ''}
        className={field}
        aria-invalid={Boolean(errors[name])}
      />
      <AdminFieldError errors={errors} name={name} />
    </label>
  );
  return (
    <Form method="post" className="space-y-3 rounded-lg border bg-white p-4" aria-label={title} noValidate>
      <CsrfField />
      <h2 className="font-semibold">{title}</h2>
      {failure ? (
        <p role="alert" className="text-red-600">
          {t(failure.message)}
        </p>
      ) : null}
      {firm ? (
        <>
          <input type="hidden" name="id" value={firm.id} />
          <input type="hidden" name="version" value={firm.version} />
        </>
      ) : null}
      {input('creditCode', '统一社会信用代码', firm?.creditCode)}
      {input('name', '企业名称', firm?.name)}
      <div className="grid gap-3 md:grid-cols-2">
        {input('industry', '行业代码（GB/T 4754，如 C13、L7291）', firm?.industry)}
        <label className="block">
          <span className="text-slate-600">{t('企业规模')}</span>
          <select name="size" defaultValue={firm?.size ?? ''} className={field} aria-invalid={Boolean(errors.size)}>
            <option value="">{t('请选择')}</option>
            {Object.entries(FIRM_SIZE_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {t(l)}
              </option>
            ))}
          </select>
          <AdminFieldError errors={errors} name="size" />
        </label>
        {input('foundedOn', '成立日期', firm?.foundedOn, 'date')}
        <label className="block">
          <span className="text-slate-600">{t('所在区')}</span>
          <select
            name="districtId"
            defaultValue={firm?.districtId ?? ''}
            className={field}
            aria-invalid={Boolean(errors.districtId)}
          >
            <option value="">{t('请选择')}</option>
            {districts.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
          <AdminFieldError errors={errors} name="districtId" />
        </label>
        <label className="block">
          <span className="text-slate-600">{t('信用等级')}</span>
          <select
            name="creditRating"
            defaultValue={firm?.creditRating ?? ''}
            className={field}
            aria-invalid={Boolean(errors.creditRating)}
          >
            <option value="">{t('请选择')}</option>
            {['A', 'B', 'C', 'D'].map((r) => (
              <option key={r} value={r}>
                {r} {t(RATING_NOTE[r])}
              </option>
            ))}
          </select>
          <AdminFieldError errors={errors} name="creditRating" />
        </label>
      </div>
      <fieldset className="space-y-2">
        <legend className="text-slate-600">{t('联系电话（来电可据此找到企业）')}</legend>
        {contacts.map((c, i) => (
          <div key={i} className="grid grid-cols-3 gap-2">
            <label className="block">
              <span className="sr-only">{t('联系电话 {{n}}', { n: i + 1 })}</span>
              <input
                name="contactPhone"
                defaultValue={c.phone}
                placeholder={t('电话')}
                aria-label={t('联系电话 {{n}}', { n: i + 1 })}
                className={field}
                aria-invalid={Boolean(errors[`contacts.${i}.phone`])}
              />
              <AdminFieldError errors={errors} name={`contacts.${i}.phone`} />
            </label>
            <input
              name="contactName"
              defaultValue={c.name ?? ''}
              placeholder={t('姓名')}
              aria-label={t('联系人姓名 {{n}}', { n: i + 1 })}
              className={field}
            />
            <input
              name="contactRole"
              defaultValue={c.role ?? ''}
              placeholder={t('职务')}
              aria-label={t('联系人职务 {{n}}', { n: i + 1 })}
              className={field}
            />
          </div>
        ))}
        <AdminFieldError errors={errors} name="contacts" />
      </fieldset>
      <div className="flex items-center gap-3">
        <button
          name="intent"
          value={firm ? 'update' : 'create'}
          disabled={busy}
          className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
        >
          {firm ? t('保存') : t('新增')}
        </button>
        {firm ? (
          <Link to="/admin/firms" className="text-slate-600 hover:underline">
            {t('取消编辑')}
          </Link>
        ) : null}
      </div>
    </Form>
  );
}

function BlacklistForm({ firm, today, failure }: { firm: FirmRow; today: string; failure: FormFailure | null }) {
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const errors = failure?.fieldErrors ?? {};
  const title = firm.blacklisted ? t('移出黑名单') : t('列入黑名单');
  return (
    <Form
      method="post"
      className={`space-y-3 rounded-lg border p-4 ${firm.blacklisted ? 'border-red-300 bg-red-50' : 'bg-white'}`}
      aria-label={title}
      noValidate
    >
      <CsrfField />
      <h2 className="font-semibold">{title}</h2>
      <p className="text-sm text-slate-600" data-testid="firm-blacklist-status">
        {firm.blacklisted
          ? t('自 {{since}} 起列入黑名单：{{reason}}。黑名单上的企业不匹配任何政策。', {
              since: firm.blacklistedSince ?? '',
              reason: firm.blacklistReason ?? '',
            })
          : t('未列入黑名单。列入后，该企业不再匹配任何政策。')}
      </p>
      {failure ? (
        <p role="alert" className="text-red-600">
          {t(failure.message)}
        </p>
      ) : null}
      <input type="hidden" name="id" value={firm.id} />
      <input type="hidden" name="version" value={firm.version} />
      <input type="hidden" name="blacklisted" value={firm.blacklisted ? 'false' : 'true'} />
      <label className="block">
        <span className="text-slate-600">{firm.blacklisted ? t('移出原因') : t('列入原因')}</span>
        <input name="reason" className={field} aria-invalid={Boolean(errors.reason)} />
        <AdminFieldError errors={errors} name="reason" />
      </label>
      {firm.blacklisted ? null : (
        <label className="block">
          <span className="text-slate-600">{t('列入日期')}</span>
          <input name="since" type="date" defaultValue={today} className={field} aria-invalid={Boolean(errors.since)} />
          <AdminFieldError errors={errors} name="since" />
        </label>
      )}
      <button
        name="intent"
        value="blacklist"
        disabled={busy}
        className="rounded border border-red-700 px-4 py-1.5 text-red-700 hover:bg-red-100"
      >
        {title}
      </button>
    </Form>
  );
}

export default function AdminFirms() {
  const { firms, total, districts, q, blacklisted, editing, history, savedId, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const failed = (intent: string) => (result?.failure?.intent === intent ? result.failure : null);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-lg font-semibold">{t('企业库')}</h1>
        <AdminNav current="/admin/firms" />
      </div>
      <p className="text-sm text-slate-600">
        {t(
          '政策找人按企业库的行业、规模、成立日期、所在区和信用等级匹配惠企政策；黑名单上的企业和信用等级低于门槛的企业不匹配任何政策。',
        )}
      </p>
      {result?.failure?.intent === '' ? (
        <p role="alert" className="text-red-600">
          {t(result.failure.message)}
        </p>
      ) : null}
      {savedId && !result ? (
        <p role="status" className="text-emerald-700">
          {t('已保存')}
        </p>
      ) : null}
      <Form method="get" className="flex flex-wrap items-end gap-3" aria-label={t('查找企业')}>
        <label className="block">
          <span className="text-slate-600">{t('名称、统一社会信用代码或联系电话')}</span>
          <input name="q" defaultValue={q} className={`${field} w-72`} />
        </label>
        <label className="flex items-center gap-1 pb-1.5">
          <input type="checkbox" name="blacklisted" defaultChecked={blacklisted} />
          {t('只看黑名单')}
        </label>
        <button className="rounded border px-3 py-1 hover:bg-slate-100">{t('查找')}</button>
      </Form>
      <div className="grid gap-4 xl:grid-cols-3">
        <section className="overflow-x-auto rounded-lg border bg-white xl:col-span-2" aria-labelledby="firms-h">
          <h2 id="firms-h" className="border-b px-4 py-2 font-semibold">
            {t('企业（{{n}}）', { n: total })}
            {total > firms.length ? (
              <span className="ml-2 text-xs font-normal text-slate-500">
                {t('显示前 {{n}} 家，请用查找缩小范围', { n: firms.length })}
              </span>
            ) : null}
          </h2>
          <table className="w-full text-left">
            <thead>
              <tr className="border-b text-slate-500">
                <th className="px-4 py-1">{t('企业名称')}</th>
                <th>{t('统一社会信用代码')}</th>
                <th>{t('行业')}</th>
                <th>{t('规模')}</th>
                <th>{t('所在区')}</th>
                <th>{t('信用')}</th>
                <th>{t('联系电话')}</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {firms.map((f) => (
                <tr
                  key={f.id}
                  data-testid={`firm-${f.creditCode}`}
                  className={`border-b align-top last:border-0 ${f.blacklisted ? 'bg-red-50' : ''}`}
                >
                  <td className="px-4 py-1.5">
                    {f.name}
                    {f.blacklisted ? (
                      <span className="ml-1 rounded bg-red-700 px-1 text-xs text-white">{t('黑名单')}</span>
                    ) : null}
                  </td>
                  <td className="pr-2 font-mono text-xs">{f.creditCode}</td>
                  <td className="pr-2" title={f.industryLabel}>
                    {f.industry}
                  </td>
                  <td className="pr-2">{t(FIRM_SIZE_LABELS[f.size])}</td>
                  <td className="pr-2">{f.district}</td>
                  <td className="pr-2">{f.creditRating}</td>
                  <td className="pr-2 text-xs">{f.contacts.map((c) => c.phone).join(t('、'))}</td>
                  <td className="whitespace-nowrap py-1.5 pr-4">
                    <Link
                      to={`?${new URLSearchParams({ q, edit: String(f.id) }).toString()}`}
                      className="text-red-700 hover:underline"
                      aria-label={t('编辑 {{name}}', { name: f.name })}
                    >
                      {t('编辑')}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {firms.length === 0 ? <p className="px-4 py-3 text-slate-500">{t('没有符合条件的企业')}</p> : null}
        </section>
        <div className="space-y-4">
          {editing ? (
            <>
              <FirmForm
                key={`edit-${editing.id}-${editing.version}`}
                firm={editing}
                districts={districts}
                failure={failed('update')}
              />
              <BlacklistForm
                key={`bl-${editing.id}-${editing.version}`}
                firm={editing}
                today={today}
                failure={failed('blacklist')}
              />
              <section className="rounded-lg border bg-white p-4" aria-labelledby="firm-history-h">
                <h2 id="firm-history-h" className="font-semibold">
                  {t('变更记录')}
                </h2>
                <ul className="mt-2 space-y-1 text-sm" data-testid="firm-history">
                  {history.map((h, i) => (
                    <li key={i}>
                      <span className="text-slate-500">{h.atLocal}</span>
                      {h.actor ?? '—'} {t(FIRM_CHANGE_LABELS[h.change])}
                      {h.reason ? `：${h.reason}` : ''}
                    </li>
                  ))}
                </ul>
              </section>
            </>
          ) : null}
          <FirmForm key={`new-${savedId ?? ''}`} firm={null} districts={districts} failure={failed('create')} />
        </div>
      </div>
    </div>
  );
}
