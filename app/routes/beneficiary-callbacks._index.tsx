import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { callbackQueue, periodDraws } from '../beneficiary-callbacks/queue.server';
import { DRAW_DEFAULTS, drawFormSchema, drawSample } from '../beneficiary-callbacks/sample.server';
import { can } from '../domain/permissions';
import { InvalidInput, fieldErrorsOf } from '../domain/errors';
import { readForm } from '../http/body.server';
import { domain, formFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '回访核实 · 12345 热线' }];

const query = z.object({ after: z.string().max(80).optional().catch(undefined) });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'beneficiary-callbacks:read');
  const em = context.runtime.db.em();
  const q = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const queue = await domain(() => callbackQueue(em, user.actor, { after: q.after ?? null }));
  const draws = await domain(() => periodDraws(em));
  return {
    queue,
    draws,
    mayDraw: can(user, 'beneficiary-callbacks:draw'),
    defaults: { ...DRAW_DEFAULTS, seed: randomBytes(4).toString('hex') },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'beneficiary-callbacks:draw');
  try {
    const form = await readForm(request);
    const parsed = drawFormSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new InvalidInput('输入有误', fieldErrorsOf(parsed.error.issues));
    const r = await drawSample(context.runtime.db.em(), user.actor, parsed.data, {
      timers: context.runtime.services.timers,
    });
    return redirect(`/beneficiary-callbacks?drawn=${r.sampleId}`, 303);
  } catch (err) {
    const { failure, status } = formFailure(err, 'draw');
    return json({ failure }, { status });
  }
}

export default function BeneficiaryCallbacks() {
  const { queue, draws, mayDraw, defaults } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === 'submitting';
  const errors: Record<string, string[] | undefined> = data?.failure.fieldErrors ?? {};
  const undrawn = draws.filter((d) => !d.sample && d.records > 0);
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">{t('回访核实')}</h1>

      <section className="rounded-lg border bg-white" aria-labelledby="draws-h">
        <h2 id="draws-h" className="border-b px-4 py-2 font-semibold">
          {t('各期抽样')}
        </h2>
        <table className="w-full text-left">
          <thead className="text-slate-600">
            <tr>
              <th className="px-4 py-1">{t('上报期间')}</th>
              <th className="px-2 py-1">{t('落实记录')}</th>
              <th className="px-2 py-1">{t('抽样')}</th>
              <th className="px-2 py-1">{t('待回访')}</th>
              <th className="px-2 py-1">{t('核实无误')}</th>
              <th className="px-2 py-1">{t('发现问题')}</th>
              <th className="px-2 py-1">{t('无法联系')}</th>
            </tr>
          </thead>
          <tbody>
            {draws.map((d) => (
              <tr key={d.periodId} className="border-t" data-testid={`draw-${d.label}`}>
                <td className="px-4 py-1">{d.label}</td>
                <td className="px-2 py-1">{d.records}</td>
                <td className="px-2 py-1">
                  {d.sample
                    ? t('{{drawn}} 条（比例 {{share}}%，每项至少 {{minimum}}，种子 {{seed}}，{{by}}）', {
                        drawn: d.sample.drawn,
                        share: Math.round(d.sample.share * 10000) / 100,
                        minimum: d.sample.minimum,
                        seed: d.sample.seed,
                        by: d.sample.drawnBy,
                      })
                    : t('未抽样')}
                </td>
                <td className="px-2 py-1">{d.sample?.open ?? '–'}</td>
                <td className="px-2 py-1">{d.sample?.confirmed ?? '–'}</td>
                <td className="px-2 py-1">{d.sample?.problem ?? '–'}</td>
                <td className="px-2 py-1">{d.sample?.unreachable ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {mayDraw && undrawn.length ? (
          <Form
            method="post"
            className="flex flex-wrap items-end gap-3 border-t px-4 py-3"
            aria-label={t('抽取回访样本')}
          >
            <CsrfField />
            <label className="flex flex-col">
              <span className="text-slate-600">{t('上报期间')}</span>
              <select name="periodId" className="rounded border px-2 py-1">
                {undrawn.map((d) => (
                  <option key={d.periodId} value={d.periodId}>
                    {d.label}
                  </option>
                ))}
              </select>
            </label>
            <Field name="sharePercent" label={t('抽样比例（%）')} value={defaults.share * 100} errors={errors} />
            <Field name="minimum" label={t('每项政策至少')} value={defaults.minimum} errors={errors} />
            <Field name="maxAttempts" label={t('最多拨打次数')} value={defaults.maxAttempts} errors={errors} />
            <Field
              name="dueWorkingDays"
              label={t('回访时限（工作日）')}
              value={defaults.dueWorkingDays}
              errors={errors}
            />
            <label className="flex flex-col">
              <span className="text-slate-600">{t('随机种子')}</span>
              <input name="seed" defaultValue={defaults.seed} className="w-32 rounded border px-2 py-1" />
              {errors.seed ? <span className="text-red-600">{errors.seed[0]}</span> : null}
            </label>
            <button disabled={busy} className="rounded bg-red-700 px-3 py-1.5 text-white hover:bg-red-800">
              {t('抽取样本')}
            </button>
            <p className="w-full text-slate-600">
              {t(
                '按政策和牵头部门分层抽样：每层抽取比例与最少条数中较大者；同一种子对同一批记录总是抽出相同的样本。每期只能抽样一次。',
              )}
            </p>
          </Form>
        ) : null}
        {data?.failure ? (
          <p role="alert" className="px-4 pb-3 text-red-600">
            {data.failure.message}
          </p>
        ) : null}
      </section>

      <section className="rounded-lg border bg-white" aria-labelledby="queue-h">
        <h2 id="queue-h" className="border-b px-4 py-2 font-semibold">
          {t('待回访')}
        </h2>
        {queue.items.length ? (
          <table className="w-full text-left" data-testid="callback-queue">
            <thead className="text-slate-600">
              <tr>
                <th className="px-4 py-1">{t('受益对象')}</th>
                <th className="px-2 py-1">{t('政策')}</th>
                <th className="px-2 py-1">{t('牵头部门')}</th>
                <th className="px-2 py-1">{t('已拨打')}</th>
                <th className="px-2 py-1">{t('回访时限')}</th>
              </tr>
            </thead>
            <tbody>
              {queue.items.map((c) => (
                <tr key={c.id} className="border-t">
                  <td className="px-4 py-1">
                    <Link to={`/beneficiary-callbacks/${c.id}`} className="text-sky-700 hover:underline">
                      {c.beneficiaryName}
                    </Link>
                  </td>
                  <td className="px-2 py-1">
                    {c.policyNumber} {c.policyTitle}
                  </td>
                  <td className="px-2 py-1">{c.departmentName}</td>
                  <td className="px-2 py-1">{c.attempts}</td>
                  <td className={`px-2 py-1 ${c.overdue ? 'font-semibold text-red-700' : ''}`}>
                    {new Date(c.dueAt).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })}
                    {c.overdue ? ` ${t('已超时')}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="px-4 py-3 text-slate-600">{t('没有待回访的对象')}</p>
        )}
        {queue.next ? (
          <p className="border-t px-4 py-2">
            <Link to={`?after=${encodeURIComponent(queue.next)}`} className="text-sky-700 hover:underline">
              {t('下一页')}
            </Link>
          </p>
        ) : null}
      </section>
    </div>
  );
}

function Field(props: { name: string; label: string; value: number; errors: Record<string, string[] | undefined> }) {
  const error = props.errors[props.name === 'sharePercent' ? 'share' : props.name] ?? props.errors[props.name];
  return (
    <label className="flex flex-col">
      <span className="text-slate-600">{props.label}</span>
      <input
        name={props.name}
        type="number"
        step="any"
        defaultValue={props.value}
        className="w-24 rounded border px-2 py-1"
      />
      {error ? <span className="text-red-600">{error[0]}</span> : null}
    </label>
  );
}
