import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from '@remix-run/react';
import { z } from 'zod';
import { requireUser } from '../auth/session.server';
import { ArbitrationParties } from '../components/arbitration-parties';
import { ReferralActions } from '../components/referral-actions';
import { PrintDocument, PrintLog } from '../components/referral-print';
import { UploadForm } from '../components/upload-form';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { useT } from '../i18n/use-t';
import { referralDetail } from '../referrals/detail.server';
import { referralPayloadFromForm } from '../referrals/forms.server';
import { sendReferralEvent } from '../case-links/refer.server';
import { PHASE_LABELS, ROLE_LABELS, REFERRAL_OUTCOME_LABELS, REFERRAL_KIND_LABELS } from '../ui/labels';
import {
  EXTENSION_STATE_LABELS,
  LEGAL_CLOCK_STATE_LABELS,
  REFERRAL_DOCUMENT_KIND_NAMES,
  NEXT_ROUTE_LABELS,
  PARTY_SIDE_NAMES,
  SESSION_TITLES,
  referralEventLabel,
  referralPhaseLabel,
} from '../ui/referral-labels';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.referral.number} · 12345 热线` : '转介案件' },
];

const params = z.object({ id: z.coerce.number().int().positive() });

export async function loader({ request, context, params: raw }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('转介案件不存在', { status: 404 });
  const referral = await domain(() => referralDetail(context.runtime.db.em(), user.actor, parsed.data.id));
  return { referral };
}

// After any submit, refused ones included, show the case as it is now.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod === 'POST' || defaultShouldRevalidate;

const actionForm = z.object({
  intent: z
    .string()
    .regex(/^[A-Z_]{2,32}$/)
    .refine((t) => t !== 'CLOCK_WARN' && t !== 'CLOCK_OVERDUE'),
  version: z.coerce.number().int().positive(),
});

export async function action({ request, context, params: raw }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const parsed0 = params.safeParse(raw);
  if (!parsed0.success) throw new Response('转介案件不存在', { status: 404 });
  const id = parsed0.data.id;
  const { form, refused } = await readFormWithRefusal(request);
  const parsed = actionForm.safeParse({ intent: form.get('intent'), version: form.get('version') });
  if (!parsed.success) return json({ failure: { intent: '', message: '无效的操作' } as FormFailure }, { status: 400 });
  const { intent, version } = parsed.data;
  try {
    if (refused) throw refused;
    await sendReferralEvent(context.runtime.services, {
      referralId: id,
      expectedVersion: version,
      type: intent,
      payload: referralPayloadFromForm(intent, form),
      actor: user.actor,
    });
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure }, { status });
  }
  // Post/redirect/get: a reload never repeats the step.
  return redirect(`/referrals/${id}`, 303);
}

const CLOCK_BADGE: Record<string, string> = {
  running: 'bg-emerald-100 text-emerald-800',
  warned: 'bg-amber-100 text-amber-800',
  overdue: 'bg-red-600 text-white',
  stopped: 'bg-slate-100 text-slate-500',
};

function Section({
  id,
  title,
  children,
  testId,
}: {
  id: string;
  title: string;
  children: React.ReactNode;
  testId?: string;
}) {
  const { t } = useT();
  return (
    <section className="rounded-lg border bg-white p-4" aria-labelledby={`${id}-h`} data-testid={testId}>
      <h2 id={`${id}-h`} className="mb-2 font-semibold">
        {t(title)}
      </h2>
      {children}
    </section>
  );
}

function DocumentUpload({ referralId }: { referralId: number }) {
  const { t } = useT();
  return (
    <UploadForm
      action={`/referrals/${referralId}/documents`}
      className="mt-3 space-y-2 border-t pt-3"
      label={t('上传材料')}
    >
      <label className="block">
        <span className="text-slate-600">{t('材料类别')}</span>
        <select name="kind" required className="mt-1 w-full rounded border px-2 py-1" defaultValue="">
          <option value="">{t('请选择')}</option>
          {Object.entries(REFERRAL_DOCUMENT_KIND_NAMES).map(([k, l]) => (
            <option key={k} value={k}>
              {t(l)}
            </option>
          ))}
        </select>
      </label>
      <label className="block">
        <span className="text-slate-600">{t('文件')}</span>
        <input
          name="file"
          type="file"
          required
          className="mt-1 block w-full text-sm file:mr-3 file:rounded file:border-0 file:bg-slate-100 file:px-3 file:py-1"
        />
      </label>
      <p className="text-xs text-slate-500">{t('图片（JPG、PNG、WEBP）、PDF、Word、Excel 或文本，不超过 10 MB')}</p>
    </UploadForm>
  );
}

export default function ReferralPage() {
  const { referral: r } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, d: dur } = useT();
  const kindName = t(REFERRAL_KIND_LABELS[r.kind] ?? r.kind);
  const phaseLabel = (p: string) => t(referralPhaseLabel(r.kind, p));
  const sessionTitle = SESSION_TITLES[r.kind];
  return (
    <div className="space-y-4">
      <p>
        <Link to="/referrals" className="text-red-700 hover:underline">
          ← {t('返回转介案件')}
        </Link>
      </p>
      <header className="rounded-lg border bg-white p-4">
        <div className="flex flex-wrap items-baseline gap-3">
          <h1 className="text-lg font-semibold">
            {kindName} ·{' '}
            <span className="font-mono" data-testid="referral-number">
              {r.number}
            </span>
          </h1>
          <span className="rounded bg-slate-100 px-2 py-0.5" data-testid="referral-phase">
            {phaseLabel(r.phase)}
          </span>
          {r.outcome ? (
            <span className="rounded bg-slate-200 px-2 py-0.5" data-testid="referral-outcome">
              {t(REFERRAL_OUTCOME_LABELS[r.outcome] ?? r.outcome)}
            </span>
          ) : null}
        </div>
        <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 md:grid-cols-4">
          <dt className="text-slate-500">{t('承办机构')}</dt>
          <dd data-testid="referral-agency">{r.agencyName}</dd>
          <dt className="text-slate-500">{t('承办人')}</dt>
          <dd>{r.handlerName ?? '—'}</dd>
          <dt className="text-slate-500">{t('转介人')}</dt>
          <dd>{r.referredByName ?? '—'}</dd>
          <dt className="text-slate-500">{t('转介时间')}</dt>
          <dd>{r.createdAt}</dd>
          {r.closedAt ? (
            <>
              <dt className="text-slate-500">{t('结案时间')}</dt>
              <dd>{r.closedAt}</dd>
            </>
          ) : null}
          {r.note ? (
            <>
              <dt className="text-slate-500">{t('转介说明')}</dt>
              <dd className="whitespace-pre-wrap">{r.note}</dd>
            </>
          ) : null}
        </dl>
        <div className="mt-3 rounded bg-slate-50 p-3" data-testid="referral-appeal">
          <p>
            <span className="text-slate-500">{t('来源诉求')}</span>{' '}
            <Link
              to={`/appeals/${r.appeal.id}`}
              className="font-mono text-red-700 hover:underline"
              data-testid="referral-appeal-link"
            >
              {r.appeal.number}
            </Link>{' '}
            <span className="font-medium">{r.appeal.title}</span>{' '}
            <span className="text-slate-500">
              {r.appeal.categoryName} · {t(PHASE_LABELS[r.appeal.phase] ?? r.appeal.phase)}
            </span>
          </p>
          <p className="mt-1 whitespace-pre-wrap">{r.appeal.content}</p>
        </div>
        {r.parent || r.children.length ? (
          <ul className="mt-2 space-y-1" data-testid="referral-links">
            {r.parent ? (
              <li>
                {t('由此案件转来')}：
                <Link to={`/referrals/${r.parent.id}`} className="font-mono text-red-700 hover:underline">
                  {r.parent.number}
                </Link>
                （{t(REFERRAL_KIND_LABELS[r.parent.kind])} · {t(referralPhaseLabel(r.parent.kind, r.parent.phase))}）
              </li>
            ) : null}
            {r.children.map((c) => (
              <li key={c.id}>
                {t('已转至')}：
                <Link to={`/referrals/${c.id}`} className="font-mono text-red-700 hover:underline">
                  {c.number}
                </Link>
                （{t(REFERRAL_KIND_LABELS[c.kind])} · {t(referralPhaseLabel(c.kind, c.phase))}）
              </li>
            ))}
          </ul>
        ) : null}
      </header>

      <Section id="actions" title="操作">
        {result?.failure && !r.actions.includes(result.failure.intent) ? (
          <p role="alert" className="mb-2 text-red-600">
            {t(result.failure.message)}
          </p>
        ) : null}
        <ReferralActions
          key={r.version}
          version={r.version}
          failed={result?.failure}
          options={{
            kind: r.kind,
            actions: r.actions,
            parties: r.parties,
            openSessions: r.openSessions,
            referOnAgencies: r.referOnAgencies,
            arbitrationParties: r.arbitrationParties,
          }}
        />
      </Section>

      <Section id="clocks" title="法定期限" testId="legal-clocks">
        {r.clocks.length ? (
          <ul className="flex flex-wrap gap-4">
            {r.clocks.map((c) => (
              <li key={c.name} data-testid={`clock-${c.name}`}>
                <span className="text-slate-500">{t(c.label)}</span> {c.dueAt}
                <span className={`ml-2 rounded px-1.5 py-0.5 text-xs ${CLOCK_BADGE[c.state] ?? ''}`}>
                  {t(LEGAL_CLOCK_STATE_LABELS[c.state] ?? c.state)}
                </span>
                {c.remaining ? <span className="ml-2 text-slate-600">{dur(c.remaining)}</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-slate-500">{t('暂无')}</p>
        )}
      </Section>

      {r.kind === 'mediation' ? (
        <Section id="parties" title="当事人">
          {r.parties.length ? (
            <table className="w-full text-left" data-testid="referral-parties">
              <thead>
                <tr className="border-b text-slate-500">
                  <th className="py-1">{t('姓名')}</th>
                  <th>{t('身份')}</th>
                  <th>{t('电话')}</th>
                  <th>{t('身份证号')}</th>
                  <th>{t('住址')}</th>
                </tr>
              </thead>
              <tbody>
                {r.parties.map((p) => (
                  <tr key={p.id} className="border-b last:border-0">
                    <td className="py-1">{p.name}</td>
                    <td>{t(PARTY_SIDE_NAMES[p.side] ?? p.side)}</td>
                    <td className="font-mono">{p.phone || '—'}</td>
                    <td className="font-mono">{p.idNumber || '—'}</td>
                    <td>{p.address || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="text-slate-500">{t('暂无')}</p>
          )}
        </Section>
      ) : null}

      {r.kind === 'arbitration' ? (
        <Section id="arbitration-parties" title="当事人与仲裁请求">
          <ArbitrationParties parties={r.arbitrationParties} />
        </Section>
      ) : null}

      {sessionTitle ? (
        <Section id="sessions" title={sessionTitle}>
          {r.sessions.length ? (
            <ol className="space-y-2" data-testid="referral-sessions">
              {r.sessions.map((s) => (
                <li key={s.no} className="rounded bg-slate-50 p-2">
                  <div className="flex flex-wrap gap-x-3">
                    <span className="font-medium">{t('第 {{n}} 次', { n: s.no })}</span>
                    <span>
                      {t('约定')} {s.scheduledAt}
                    </span>
                    <span>{s.place}</span>
                    <span className={s.heldAt ? 'text-emerald-700' : 'text-amber-700'}>
                      {s.heldAt ? `${t('已进行')} ${s.heldAt}` : t('待进行')}
                    </span>
                    {s.by ? <span className="text-slate-500">{s.by}</span> : null}
                  </div>
                  {s.attendees.length ? (
                    <p className="text-slate-600">
                      {t('到场')}：{s.attendees.join('、')}
                    </p>
                  ) : null}
                  {s.record ? <p className="mt-1 whitespace-pre-wrap">{s.record}</p> : null}
                </li>
              ))}
            </ol>
          ) : (
            <p className="text-slate-500">{t('暂无')}</p>
          )}
        </Section>
      ) : null}

      {r.kind === 'mediation' ? (
        <Section id="agreement" title="协议" testId="referral-agreement">
          {r.agreement ? (
            <>
              <p className="whitespace-pre-wrap rounded bg-slate-50 p-3">{r.agreement.text}</p>
              <p className="mt-1 text-slate-600">
                {t('签字当事人')}：{r.agreement.signedBy.join('、')} · {t('达成于')} {r.agreement.reachedAt}
              </p>
              {r.confirmation ? (
                <p className="mt-1" data-testid="referral-confirmation">
                  {t('司法确认')}：{r.confirmation.court}（{t('申请于')} {r.confirmation.requestedAt}）
                  {r.confirmation.ruling ? ` · ${t('裁定')} ${r.confirmation.ruling}` : ''}
                  {r.confirmation.rejectionReason ? ` · ${t('驳回理由')} ${r.confirmation.rejectionReason}` : ''}
                </p>
              ) : null}
              {r.mayPrint ? <PrintDocument referralId={r.id} document="agreement" /> : null}
              <PrintLog prints={r.prints} />
            </>
          ) : (
            <p className="text-slate-500">{t('尚未达成协议')}</p>
          )}
          {r.failure ? (
            <p className="mt-2" data-testid="referral-failure">
              {t('调解不成')}：{r.failure.reason}（{t('后续途径')}：
              {t(NEXT_ROUTE_LABELS[r.failure.nextRoute] ?? r.failure.nextRoute)}）
            </p>
          ) : null}
        </Section>
      ) : null}

      {r.lawyer || r.conclusion || r.extension || r.refusalReason || r.withdrawalReason ? (
        <Section id="result" title="办理情况" testId="referral-result">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
            {r.lawyer ? (
              <>
                <dt className="text-slate-500">{t('援助律师')}</dt>
                <dd>
                  {r.lawyer.name} · {r.lawyer.firm}
                  {r.lawyer.phone ? ` · ${r.lawyer.phone}` : ''}（{t('指派于')} {r.lawyer.assignedAt}）
                </dd>
              </>
            ) : null}
            {r.extension ? (
              <>
                <dt className="text-slate-500">{t('延期')}</dt>
                <dd>
                  {t(EXTENSION_STATE_LABELS[r.extension.state] ?? r.extension.state)} · {r.extension.reason}（
                  {r.extension.requestedBy}
                  {r.extension.decidedBy ? ` → ${r.extension.decidedBy}` : ''}）
                </dd>
              </>
            ) : null}
            {r.conclusion ? (
              <>
                <dt className="text-slate-500">{t(r.kind === 'arbitration' ? '裁决' : '办理结果')}</dt>
                <dd className="whitespace-pre-wrap">
                  {r.conclusion.text}（{t(r.conclusion.resolved ? '已解决' : '未解决')}）
                </dd>
              </>
            ) : null}
            {r.kind === 'arbitration' && (r.mayPrint || r.prints.length) ? (
              <>
                <dt className="text-slate-500">{t('裁决书')}</dt>
                <dd>
                  {r.mayPrint ? <PrintDocument referralId={r.id} document="award" /> : null}
                  <PrintLog prints={r.prints} />
                </dd>
              </>
            ) : null}
            {r.refusalReason ? (
              <>
                <dt className="text-slate-500">{t('不予受理理由')}</dt>
                <dd>{r.refusalReason}</dd>
              </>
            ) : null}
            {r.withdrawalReason ? (
              <>
                <dt className="text-slate-500">{t('撤回理由')}</dt>
                <dd>{r.withdrawalReason}</dd>
              </>
            ) : null}
          </dl>
        </Section>
      ) : null}

      <Section id="documents" title="材料" testId="referral-documents">
        {r.documents.length ? (
          <ul className="space-y-1">
            {r.documents.map((f) => (
              <li key={f.id}>
                <span className="mr-2 rounded bg-slate-100 px-1.5 text-xs">
                  {t(REFERRAL_DOCUMENT_KIND_NAMES[f.kind] ?? f.kind)}
                </span>
                <a href={`/referral-documents/${f.id}`} className="text-red-700 hover:underline">
                  {f.fileName}
                </a>
                （{Math.ceil(f.size / 1024)} KB · {f.uploadedByName} · {f.createdAt}）
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-slate-500">{t('暂无')}</p>
        )}
        {r.mayAddDocument ? <DocumentUpload referralId={r.id} /> : null}
      </Section>

      <Section id="timeline" title="办理轨迹">
        <ol className="space-y-2" data-testid="referral-timeline">
          {r.timeline.map((e) => (
            <li key={e.seq} className="border-l-2 border-red-600 pl-3">
              <div className="flex flex-wrap gap-2">
                <span className="font-mono text-slate-500">{e.at}</span>
                <span className="font-medium">{t(referralEventLabel(r.kind, e.type))}</span>
                <span>
                  {t(e.actor)}（{t(ROLE_LABELS[e.role] ?? e.role)}）
                </span>
                {e.fromPhase !== e.toPhase ? (
                  <span className="text-slate-500">
                    {e.fromPhase ? `${phaseLabel(e.fromPhase)} → ` : ''}
                    {phaseLabel(e.toPhase)}
                  </span>
                ) : null}
              </div>
              {e.summaryLabel || e.summaryText ? (
                <p className="mt-0.5 whitespace-pre-wrap text-slate-700">
                  {e.summaryLabel ? `${t(e.summaryLabel)}${e.summaryText ? '：' : ''}` : ''}
                  {e.summaryText ?? ''}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      </Section>
    </div>
  );
}
