import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireUserWith } from '../auth/session.server';
import { callbackCommandOf } from '../beneficiary-callbacks/forms.server';
import { callbackDetail } from '../beneficiary-callbacks/queue.server';
import { sendCallbackEvent } from '../case-links/callback-complaint.server';
import { can } from '../domain/permissions';
import { InvalidInput } from '../domain/errors';
import { readForm } from '../http/body.server';
import { domain, formFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { ATTEMPT_FAILURE_LABELS, CALLBACK_OUTCOME_LABELS, CALLBACK_SATISFACTION_LABELS } from '../ui/callback-labels';
import { CsrfField } from '../ui/csrf';
import { BENEFICIARY_KIND_LABELS, PAYMENT_WAY_LABELS } from '../ui/policy-record-labels';

export const meta: MetaFunction = () => [{ title: '回访核实 · 12345 热线' }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'beneficiary-callbacks:read');
  const id = Number(params.id);
  const callback = await domain(() => callbackDetail(context.runtime.db.em(), user.actor, id));
  return { callback, mayDial: can(user, 'calls:answer') };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'beneficiary-callbacks:read');
  const id = Number(params.id);
  try {
    const form = await readForm(request);
    const cmd = callbackCommandOf(Object.fromEntries(form));
    if (!cmd) throw new InvalidInput('输入有误', { _form: ['请完整填写回访结果'] });
    const r = await sendCallbackEvent(context.runtime.services, { callbackId: id, actor: user.actor, ...cmd });
    return r.appeal
      ? redirect(`/beneficiary-callbacks/${id}?appeal=${r.appeal.id}`, 303)
      : redirect(`/beneficiary-callbacks/${id}`, 303);
  } catch (err) {
    const { failure, status } = formFailure(err, 'callback');
    return json({ failure }, { status });
  }
}

const radio = 'flex items-center gap-1';

export default function BeneficiaryCallback() {
  const { callback: c, mayDial } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const may = (step: string) => c.steps.includes(step);
  const yesNo = (name: string, label: string) => (
    <fieldset className="flex items-center gap-3">
      <legend className="sr-only">{label}</legend>
      <span className="w-28 text-slate-600">{label}</span>
      <label className={radio}>
        <input type="radio" name={name} value="yes" required /> {t('是')}
      </label>
      <label className={radio}>
        <input type="radio" name={name} value="no" /> {t('否')}
      </label>
    </fieldset>
  );
  return (
    <div className="space-y-4">
      <p>
        <Link to="/beneficiary-callbacks" className="text-sky-700 hover:underline">
          {t('返回回访队列')}
        </Link>
      </p>
      <h1 className="text-lg font-semibold">
        {t('回访核实')} · {c.record.name}
      </h1>

      <section className="rounded-lg border bg-white p-4" aria-labelledby="record-h">
        <h2 id="record-h" className="mb-2 font-semibold">
          {t('落实记录')}
        </h2>
        <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1">
          <dt className="text-slate-600">{t('政策')}</dt>
          <dd>
            {c.policy.number} {c.policy.title}
          </dd>
          <dt className="text-slate-600">{t('牵头部门')}</dt>
          <dd>{c.departmentName}</dd>
          <dt className="text-slate-600">{t('上报期间')}</dt>
          <dd>{c.periodLabel}</dd>
          <dt className="text-slate-600">{t('受益对象')}</dt>
          <dd>
            {c.record.name}（{t(BENEFICIARY_KIND_LABELS[c.record.kind] ?? c.record.kind)}）
          </dd>
          <dt className="text-slate-600">{t('联系电话')}</dt>
          <dd data-testid="callback-phone">{c.record.phone}</dd>
          <dt className="text-slate-600">{t('发放金额')}</dt>
          <dd>{t('{{amount}} 元', { amount: c.record.amount })}</dd>
          <dt className="text-slate-600">{t('发放日期')}</dt>
          <dd>{c.record.paidOn}</dd>
          <dt className="text-slate-600">{t('发放方式')}</dt>
          <dd>{t(PAYMENT_WAY_LABELS[c.record.way] ?? c.record.way)}</dd>
          <dt className="text-slate-600">{t('回访时限')}</dt>
          <dd className={c.overdue ? 'font-semibold text-red-700' : ''}>
            {new Date(c.dueAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}
            {c.overdue ? ` ${t('已超时')}` : ''}
          </dd>
        </dl>
      </section>

      <section className="rounded-lg border border-sky-300 bg-sky-50 p-4" aria-labelledby="work-h">
        <h2 id="work-h" className="mb-1 font-semibold">
          {t('回访')}
        </h2>
        <p data-testid="callback-status">
          {c.open
            ? t('已尝试 {{n}} / {{max}} 次未接通', { n: c.attempts.length, max: c.maxAttempts })
            : t('结果：{{outcome}}', { outcome: t(CALLBACK_OUTCOME_LABELS[c.outcome ?? ''] ?? '') })}
        </p>
        {c.attempts.length ? (
          <ul className="text-slate-600">
            {c.attempts.map((a) => (
              <li key={a.at}>
                {new Date(a.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}{' '}
                {t(ATTEMPT_FAILURE_LABELS[a.reason] ?? a.reason)}
              </li>
            ))}
          </ul>
        ) : null}
        {c.result ? (
          <p className="mt-1">
            {t('是否收到：{{a}}；金额是否相符：{{b}}；是否按时：{{c}}；满意度：{{s}}', {
              a: t(c.result.received ? '是' : '否'),
              b: t(c.result.amountRight ? '是' : '否'),
              c: t(c.result.onTime ? '是' : '否'),
              s: t(CALLBACK_SATISFACTION_LABELS[c.result.satisfaction] ?? c.result.satisfaction),
            })}
            {c.result.problem ? ` · ${c.result.problem}` : ''}
          </p>
        ) : null}
        {c.cancelReason ? <p>{t('取消原因：{{reason}}', { reason: c.cancelReason })}</p> : null}
        {c.appeal ? (
          <p className="mt-1" data-testid="callback-appeal">
            {t('已生成投诉工单')}{' '}
            <Link to={`/appeals/${c.appeal.id}`} className="text-sky-700 hover:underline">
              {c.appeal.number}
            </Link>
          </p>
        ) : null}
        {data?.failure ? (
          <p role="alert" className="mt-2 text-red-600">
            {data.failure.fieldErrors?._form?.[0] ?? data.failure.message}
          </p>
        ) : null}

        {may('RECORD_RESULT') && mayDial ? (
          // The softphone bar dials any data-dial button on the page, as it does for an appeal's callback.
          <button
            type="button"
            data-dial={c.record.phone}
            className="mt-2 rounded bg-sky-700 px-3 py-1 text-white"
            data-testid="callback-call"
          >
            {t('拨打回访电话')}
          </button>
        ) : null}

        {may('ATTEMPT_FAILED') ? (
          <Form method="post" className="mt-3 flex flex-wrap items-center gap-2" aria-label={t('未接通')}>
            <CsrfField />
            <input type="hidden" name="intent" value="ATTEMPT_FAILED" />
            <input type="hidden" name="version" value={c.version} />
            <select name="reason" className="rounded border px-2 py-1" aria-label={t('未接通原因')}>
              {Object.entries(ATTEMPT_FAILURE_LABELS).map(([v, l]) => (
                <option key={v} value={v}>
                  {t(l)}
                </option>
              ))}
            </select>
            <button disabled={busy} className="rounded border px-3 py-1 hover:bg-slate-100">
              {t('登记未接通')}
            </button>
          </Form>
        ) : null}

        {may('RECORD_RESULT') ? (
          <Form method="post" className="mt-3 space-y-2" aria-label={t('回访结果')}>
            <CsrfField />
            <input type="hidden" name="intent" value="RECORD_RESULT" />
            <input type="hidden" name="version" value={c.version} />
            {yesNo('received', t('是否收到'))}
            {yesNo('amountRight', t('金额是否相符'))}
            {yesNo('onTime', t('是否按时'))}
            <label className="flex items-center gap-3">
              <span className="w-28 text-slate-600">{t('满意度')}</span>
              <select name="satisfaction" className="rounded border px-2 py-1">
                {Object.entries(CALLBACK_SATISFACTION_LABELS).map(([v, l]) => (
                  <option key={v} value={v}>
                    {t(l)}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col gap-1">
              <span className="text-slate-600">{t('反映的问题（有问题将生成投诉工单交牵头部门处理）')}</span>
              <textarea name="problem" rows={3} className="rounded border px-2 py-1" />
            </label>
            <button disabled={busy} className="rounded bg-red-700 px-3 py-1.5 text-white hover:bg-red-800">
              {t('登记回访结果')}
            </button>
          </Form>
        ) : null}

        {may('CANCEL') ? (
          <Form method="post" className="mt-3 flex flex-wrap items-center gap-2" aria-label={t('取消回访')}>
            <CsrfField />
            <input type="hidden" name="intent" value="CANCEL" />
            <input type="hidden" name="version" value={c.version} />
            <input name="reason" placeholder={t('取消原因')} className="rounded border px-2 py-1" required />
            <button disabled={busy} className="rounded border px-3 py-1 hover:bg-slate-100">
              {t('取消回访')}
            </button>
          </Form>
        ) : null}
      </section>
    </div>
  );
}
