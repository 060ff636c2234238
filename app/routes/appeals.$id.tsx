import { SOURCE_LABELS } from '../reports/report-view';
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Link, useActionData, useFetcher, useLoaderData, type ShouldRevalidateFunction } from '@remix-run/react';
import leafletCss from 'leaflet/dist/leaflet.css';
import { useMemo } from 'react';
import { z } from 'zod';
import { lifecycleChart } from '../../machines/appeal-chart';
import { actionOptions, performAction } from '../appeals/actions.server';
import type { AppealDetail } from '../appeals/detail.server';
import { appealPage } from '../case-links/appeal-referrals.server';
import { APPEAL_EVENT_TYPES } from '../../machines/appeal-events';
import { ActionPanel } from '../components/action-panel';
import { DuplicateHints } from '../components/duplicate-hints';
import { triageDuplicateHints } from '../intake/intake.server';
import { interfaceFiling } from '../open311/georeport.server';
import { InterfaceFiling } from '../components/interface-filing';
import { AppealReferrals } from '../components/appeal-referrals';
import { AppealSms } from '../components/appeal-sms';
import { AssistOrders } from '../components/assist-orders';
import { StepFileLinks } from '../components/step-files';
import { ReclassificationChanges } from '../components/reclassification';
import { outlineGrids, useGridMap } from '../components/grid-map-loader';
import { AttachmentUpload } from '../components/attachment-upload';
import { DraftEditLink } from '../components/draft-edit-link';
import { requireUser } from '../auth/session.server';
import { LifecycleChart } from '../components/lifecycle-chart';
import { TimelineDetails } from '../components/timeline-details';
import { eventMediaOf } from '../city-events/overview.server';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { bytesOf, readUpload } from '../http/upload.server';
import { MAX_STEP_FILES, STEP_TEXT_FIELDS, STEP_TEXT_MAX } from '../appeals/step-files';
import { useT } from '../i18n/use-t';
import {
  CALL_DIRECTION_LABELS,
  CALL_DISPOSITION_LABELS,
  CHART_LABELS,
  EVENT_LABELS,
  PHASE_LABELS,
  POLICY_COMPLAINT_KIND_LABELS,
  POLICY_HANDOVER_LABELS,
  ROLE_LABELS,
  SLA_LABELS,
  TYPE_LABELS,
  URGENCY_LABELS,
} from '../ui/labels';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.appeal.number} · 12345 热线` : '诉求' },
];

// Leaflet's own CSS for the location map.
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: leafletCss }];

const params = z.object({ id: z.coerce.number().int().positive() });

export async function loader({ request, context, params: raw }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('诉求不存在', { status: 404 });
  const em = context.runtime.db.em();
  const appeal = await domain(() => appealPage(em, user.actor, parsed.data.id));
  const options = await domain(() => actionOptions(em, user.actor, parsed.data.id));
  const hints = await domain(() => triageDuplicateHints(em, user.actor, parsed.data.id));
  const filing = await interfaceFiling(em, parsed.data.id);
  // Read once the appeal itself was found in scope: the links another city system sent with its event.
  const cityEvent = await domain(() => eventMediaOf(em, parsed.data.id));
  return { appeal, options, hints, filing, cityEvent, chart: lifecycleChart() };
}

/**
 * The multipart form of a step with files, or null for any other form. The form names its step in the address
 * (`?step=`) so that a refused upload is shown beside the form it came from.
 */
async function readStepUpload(request: Request) {
  if (!/^multipart\/form-data/i.test(request.headers.get('Content-Type') ?? '')) return null;
  const step = new URL(request.url).searchParams.get('step') ?? '';
  try {
    const { files, fields } = await readUpload(request, {
      files: ['file'],
      maxFiles: MAX_STEP_FILES,
      fields: STEP_TEXT_FIELDS,
      maxFieldLength: STEP_TEXT_MAX,
    });
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) if (typeof v === 'string') form.append(k, v);
    return { form, refused: null, files: await Promise.all(files.file.map(bytesOf)), failure: null };
  } catch (err) {
    return { form: new FormData(), refused: null, files: [], failure: formFailure(err, step) };
  }
}

// After any submit, refused ones included, show the appeal as it is now: someone else may have moved it.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod === 'POST' || defaultShouldRevalidate;

const actionForm = z.object({ intent: z.enum(APPEAL_EVENT_TYPES), version: z.coerce.number().int().positive() });

export async function action({ request, context, params: raw }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const { id } = params.parse(raw);
  // A reply or an assisting opinion may carry files: read through the upload reader, within its limits.
  const withFiles = await readStepUpload(request);
  if (withFiles?.failure) return json({ failure: withFiles.failure.failure }, { status: withFiles.failure.status });
  const { form, refused } = withFiles ?? (await readFormWithRefusal(request));
  const parsed = actionForm.safeParse({ intent: form.get('intent'), version: form.get('version') });
  if (!parsed.success) return json({ failure: { intent: '', message: '无效的操作' } as FormFailure }, { status: 400 });
  try {
    if (refused) throw refused;
    const { intent, version } = parsed.data;
    await performAction(context.runtime.services, user.actor, id, intent, version, form, withFiles?.files);
  } catch (err) {
    const { failure, status } = formFailure(err, parsed.data.intent);
    return json({ failure }, { status });
  }
  // Post/redirect/get: a reload never repeats the step.
  return redirect(`/appeals/${id}`);
}

/** Shows the full number on request; the server records every reveal. */
function RevealPhone({ appealId }: { appealId: number }) {
  const { t } = useT();
  const fetcher = useFetcher<{ value?: string; message?: string }>();
  if (fetcher.data?.value)
    return (
      <span className="ml-2 font-mono" data-testid="revealed-phone">
        {fetcher.data.value}
      </span>
    );
  return (
    <fetcher.Form method="post" action={`/appeals/${appealId}/reveal`} className="ml-2 inline">
      <CsrfField />
      <input type="hidden" name="field" value="callerPhone" />
      <button className="text-xs text-red-700 underline">{t('显示完整号码')}</button>
    </fetcher.Form>
  );
}

/** The recorded point with the grid it falls in, on a small map drawn from our own grid shapes. */
function AppealLocation({ location }: { location: NonNullable<AppealDetail['location']> }) {
  const { t } = useT();
  const GridMap = useGridMap();
  const grids = useMemo(
    () =>
      outlineGrids(
        location.outlines,
        (g) => `${g.code} ${g.name}`,
        (g) => (g.id === location.grid?.id ? '#bfdbfe' : '#e2e8f0'),
      ),
    [location],
  );
  const marker = useMemo(() => ({ lat: location.lat, lng: location.lng }), [location.lat, location.lng]);
  return (
    <section className="rounded-lg border bg-white p-4" aria-labelledby="location-h" data-testid="appeal-location">
      <h2 id="location-h" className="mb-2 font-semibold">
        {t('位置')}
      </h2>
      <div className="grid gap-3 md:grid-cols-3">
        <dl className="space-y-1">
          <dt className="text-slate-500">{t('坐标（纬度, 经度）')}</dt>
          <dd className="font-mono" data-testid="location-coordinates">
            {location.lat.toFixed(6)}, {location.lng.toFixed(6)}
          </dd>
          <dt className="text-slate-500">{t('位置所在网格')}</dt>
          <dd data-testid="location-grid">
            {location.grid ? `${location.grid.code} ${location.grid.name}` : t('不在任何网格内，由派单员决定')}
          </dd>
        </dl>
        <div className="md:col-span-2">
          {GridMap ? (
            <GridMap
              grids={grids}
              selectedId={location.grid?.id ?? null}
              marker={marker}
              label={t('诉求位置地图')}
              className="h-[220px]"
            />
          ) : (
            <div className="h-[220px] w-full rounded bg-slate-50" />
          )}
        </div>
      </div>
    </section>
  );
}

// An assisting order ends answered (done) or waived when the lead replied without it.
const ASSIGNMENT_STATUS_LABELS: Record<string, string> = {
  returned: '已退回',
  superseded: '已改派',
  done: '已反馈',
  waived: '未反馈（主办已答复）',
};

const DEADLINE_LABELS = { accept: '签收时限', handling: '办理时限', callback: '回访时限' } as const;

export default function AppealPage() {
  const { appeal: a, chart, options, hints, filing, cityEvent } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, d: dur } = useT();
  return (
    <div className="space-y-4">
      <p>
        <Link to="/" className="text-red-700 hover:underline">
          ← {t('返回工作台')}
        </Link>
      </p>
      <header className="rounded-lg border bg-white p-4">
        <div className="flex flex-wrap items-baseline gap-3">
          <h1 className="text-lg font-semibold">{a.title}</h1>
          <span className="font-mono text-slate-500" data-testid="appeal-number">
            {a.number}
          </span>
          <span className="rounded bg-slate-100 px-2 py-0.5" data-testid="appeal-phase">
            {t(PHASE_LABELS[a.phase] ?? a.phase)}
          </span>
          <span className="rounded bg-slate-100 px-2 py-0.5">{t(SLA_LABELS[a.sla])}</span>
          {a.urgency !== 'normal' ? (
            <span className="rounded bg-red-600 px-2 py-0.5 text-white">{t(URGENCY_LABELS[a.urgency])}</span>
          ) : null}
          {a.confidential ? <span className="rounded bg-amber-100 px-2 py-0.5 text-amber-800">{t('保密')}</span> : null}
        </div>
        <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 md:grid-cols-4">
          <dt className="text-slate-500">{t('类型')}</dt>
          <dd>{t(TYPE_LABELS[a.type])}</dd>
          <dt className="text-slate-500">{t('来源')}</dt>
          <dd data-testid="appeal-source">
            {t(SOURCE_LABELS[a.source] ?? a.source)}
            {filing ? ` · ${filing.client}` : ''}
          </dd>
          <dt className="text-slate-500">{t('分类')}</dt>
          <dd>{a.category}</dd>
          <dt className="text-slate-500">{t('地址')}</dt>
          <dd data-testid="appeal-address">{a.address ?? '—'}</dd>
          <dt className="text-slate-500">{t('所在网格')}</dt>
          <dd>{a.grid ?? '—'}</dd>
          <dt className="text-slate-500">{t('承办')}</dt>
          <dd>{a.holder ?? '—'}</dd>
          <dt className="text-slate-500">{t('诉求人')}</dt>
          <dd>
            <span data-testid="complainant">
              {a.complainant
                ? `${a.complainant.name ?? '—'} ${a.complainant.phone}`
                : t(a.anonymous ? '（匿名）' : '（保密）')}
            </span>
            {a.complainant?.mayReveal ? <RevealPhone appealId={a.id} /> : null}
          </dd>
          <dt className="text-slate-500">{t('重办/重启/延期')}</dt>
          <dd>
            {a.counts.redo} / {a.counts.reopen} / {a.counts.extensions}
          </dd>
          <dt className="text-slate-500">{t('督办')}</dt>
          <dd>
            {a.counts.supervise}
            {a.escalation ? t(a.escalation === 'leader' ? '（已升级：领导）' : '（已升级：联席会议）') : ''}
          </dd>
          {a.unreasonable ? (
            <>
              <dt className="text-slate-500">{t('认定')}</dt>
              <dd data-testid="unreasonable-mark">
                <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs">{t('不合理诉求（不计入满意率）')}</span>
              </dd>
            </>
          ) : null}
        </dl>
        <p className="mt-3 whitespace-pre-wrap rounded bg-slate-50 p-3">{a.content}</p>
      </header>

      {a.location ? <AppealLocation location={a.location} /> : null}

      {filing ? <InterfaceFiling filing={filing} /> : null}

      {a.policy ? (
        <section className="rounded-lg border border-amber-300 bg-amber-50 p-4" aria-labelledby="about-policy-h">
          <h2 id="about-policy-h" className="mb-1 font-semibold" data-testid="about-policy">
            {t('关于政策')}{' '}
            <Link to={`/policies/${a.policy.policyId}`} className="text-red-700 hover:underline">
              {a.policy.number} 《{a.policy.title}》
            </Link>
          </h2>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm md:grid-cols-4">
            <dt className="text-slate-500">{t('转办事由')}</dt>
            <dd data-testid="about-policy-reason">
              {t(POLICY_HANDOVER_LABELS[a.policy.reason])}
              {a.policy.complaintKind ? ` · ${t(POLICY_COMPLAINT_KIND_LABELS[a.policy.complaintKind])}` : ''}
            </dd>
            {a.policy.reason === 'consultation' ? (
              <>
                <dt className="text-slate-500">{t('首席代表')}</dt>
                <dd data-testid="chief-representative">
                  {a.policy.chiefRepresentative
                    ? `${a.policy.chiefRepresentative.name}${a.policy.chiefRepresentative.phone ? ` ${a.policy.chiefRepresentative.phone}` : ''}`
                    : t('未指定首席代表，由牵头单位办理')}
                </dd>
              </>
            ) : null}
            {a.policy.record ? (
              <>
                <dt className="text-slate-500">{t('所涉落实记录')}</dt>
                <dd data-testid="about-policy-record">
                  {t('{{period}} · {{name}} · ¥{{amount}} · {{paidOn}} 发放', a.policy.record)}
                </dd>
              </>
            ) : null}
          </dl>
        </section>
      ) : null}

      {a.policyCitations.length ? (
        <section className="rounded-lg border bg-white p-4" aria-labelledby="citations-h">
          <h2 id="citations-h" className="mb-1 font-semibold">
            {t('答复引用的政策')}
          </h2>
          <ul className="space-y-1" data-testid="policy-citations">
            {a.policyCitations.map((c) => (
              <li key={`${c.policyId}:${c.versionNo}:${c.itemNo}`}>
                {t('引用政策：')}
                <Link
                  to={`/policies/${c.policyId}?version=${c.versionNo}`}
                  className="text-red-700 hover:underline"
                  data-testid="policy-citation"
                >
                  {t('《{{title}}》第{{n}}条（v{{v}}）', { title: c.title, n: c.itemNo, v: c.versionNo })}
                </Link>{' '}
                <span className="text-xs text-slate-400">{c.number}</span>
                <p className="text-sm text-slate-600">{c.text}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {a.callback ? (
        <section className="rounded-lg border border-sky-300 bg-sky-50 p-4" aria-labelledby="callback-h">
          <h2 id="callback-h" className="mb-1 font-semibold">
            {t('回访话术')}
          </h2>
          <p data-testid="callback-script">{a.callback.script}</p>
          <p className="mt-1 text-sm text-slate-600">
            {t('已尝试 {{n}} / {{max}} 次未接通', { n: a.callback.attempts, max: a.callback.maxAttempts })}
            {a.callback.overdue ? t('，已超过回访时限') : ''}
            {t('；第 {{max}} 次未接通即按“无法联系”办结。', { max: a.callback.maxAttempts })}
          </p>
          {/* The softphone bar dials it: the number is revealed (and the reveal recorded) only when dialled. */}
          {a.complainant?.mayReveal && a.callback.mayDial ? (
            <button
              type="button"
              data-dial-appeal={a.id}
              className="mt-2 rounded bg-sky-700 px-3 py-1 text-white"
              data-testid="callback-call"
            >
              {t('拨打回访电话')}
            </button>
          ) : a.complainant?.mayReveal ? (
            <p className="mt-2 text-sm text-slate-600" data-testid="callback-no-phone">
              {t('您的账号没有话务软电话：请由回访员拨打，或电话联系后手工登记回访结果')}
            </p>
          ) : null}
        </section>
      ) : null}

      <AssistOrders assists={a.assists} />

      <section className="rounded-lg border bg-white p-4" aria-labelledby="actions-h">
        <h2 id="actions-h" className="mb-2 font-semibold">
          {t('操作')}
        </h2>
        {result?.failure && !options.types.includes(result.failure.intent as never) ? (
          <p role="alert" className="mb-2 text-red-600">
            {t(result.failure.message)}
          </p>
        ) : null}
        {options.mayEditDraft ? <DraftEditLink appealId={a.id} /> : null}
        {hints.length ? (
          <div className="mb-3">
            <DuplicateHints hints={hints} />
          </div>
        ) : null}
        <ActionPanel
          key={a.version}
          options={options}
          version={a.version}
          failed={result?.failure}
          suggestedGrid={a.suggestedGrid}
        />
      </section>

      <AppealReferrals referrals={a.referrals} />

      <section className="rounded-lg border bg-white p-4" aria-labelledby="deadlines-h">
        <h2 id="deadlines-h" className="mb-2 font-semibold">
          {t('时限')}
        </h2>
        {a.deadlines.length ? (
          <ul className="flex flex-wrap gap-4">
            {a.deadlines.map((d) => (
              <li key={d.kind}>
                <span className="text-slate-500">{t(DEADLINE_LABELS[d.kind])}</span> {d.at}
                {d.remaining ? <span className="ml-2 text-slate-600">{dur(d.remaining)}</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-slate-500">{t('暂无')}</p>
        )}
      </section>

      <section className="rounded-lg border bg-white p-4" aria-labelledby="chart-h">
        <h2 id="chart-h" className="mb-2 font-semibold">
          {t('办理流程')}
        </h2>
        <LifecycleChart nodes={chart.nodes} edges={chart.edges} current={a.phase} />
      </section>

      <section className="rounded-lg border bg-white p-4" aria-labelledby="timeline-h">
        <h2 id="timeline-h" className="mb-2 font-semibold">
          {t('办理轨迹')}（{a.timeline.length}）
        </h2>
        <ol className="space-y-2" data-testid="timeline">
          {a.timeline.map((e) => (
            <li
              key={e.seq}
              // The citizen's own words stand out: the unit handling it must not miss what he added.
              className={
                e.type === 'SUPPLEMENT' || e.type === 'WITHDRAW'
                  ? 'rounded border-l-4 border-amber-500 bg-amber-50 py-1 pl-3'
                  : 'border-l-2 border-red-600 pl-3'
              }
              data-testid={e.type === 'SUPPLEMENT' ? 'timeline-supplement' : undefined}
            >
              <div className="flex flex-wrap gap-2">
                <span className="font-mono text-slate-500">{e.at}</span>
                <span className="font-medium">{t(EVENT_LABELS[e.type] ?? e.type)}</span>
                <span>
                  {t(e.actor)}（{t(ROLE_LABELS[e.role] ?? e.role)}）
                </span>
                <span className="text-slate-500">
                  {e.fromPhase ? `${t(CHART_LABELS[e.fromPhase] ?? e.fromPhase)} → ` : ''}
                  {t(CHART_LABELS[e.toPhase] ?? e.toPhase)}
                  {e.fromSla && e.fromSla !== e.toSla
                    ? `（${t(SLA_LABELS[e.fromSla])} → ${t(SLA_LABELS[e.toSla])}）`
                    : ''}
                </span>
              </div>
              <TimelineDetails entry={e} />
              {e.catalogue ? (
                <p className="mt-0.5 text-emerald-800" data-testid="timeline-catalogue">
                  {t('按派单目录自动派单（派单目录: {{code}} × {{area}}）', {
                    code: e.catalogue.categoryCode,
                    area: e.catalogue.area,
                  })}
                </p>
              ) : null}
              {e.text ? <p className="mt-0.5 whitespace-pre-wrap text-slate-700">{e.text}</p> : null}
              <StepFileLinks files={e.files} />
              {e.assistOverride ? (
                <p className="mt-0.5 text-sm text-amber-800" data-testid="assist-override">
                  {t('未等协办意见答复，理由：')}
                  {e.assistOverride}
                </p>
              ) : null}
              {e.changes?.length ? <ReclassificationChanges changes={e.changes} /> : null}
            </li>
          ))}
        </ol>
      </section>

      <AppealSms messages={a.sms} />

      {a.reveals.length ? (
        <section className="rounded-lg border bg-white p-4" aria-labelledby="reveals-h">
          <h2 id="reveals-h" className="mb-2 font-semibold">
            {t('号码查看记录')}
          </h2>
          <ul data-testid="reveal-log">
            {a.reveals.map((r, i) => (
              <li key={i}>
                {r.at} {r.who} {t(r.field === 'callerPhone' ? '查看了完整电话' : '查看了完整证件号')}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <div className="grid gap-4 md:grid-cols-3">
        <section className="rounded-lg border bg-white p-4" aria-labelledby="assign-h">
          <h2 id="assign-h" className="mb-2 font-semibold">
            {t('派单记录')}
          </h2>
          {a.assignments.length ? (
            <ul className="space-y-1">
              {a.assignments.map((s, i) => (
                <li key={i}>
                  {s.unit}（{t(s.role === 'lead' ? '主办' : '协办')}，{t('{{n}} 级', { n: s.level })}）
                  {s.status === 'active' ? '' : ` · ${t(ASSIGNMENT_STATUS_LABELS[s.status] ?? '已改派')}`}
                  {s.acceptedAt ? ` · ${t('签收于')} ${s.acceptedAt}` : ''}
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-slate-500">{t('暂无')}</p>
          )}
        </section>
        <section className="rounded-lg border bg-white p-4" aria-labelledby="files-h">
          <h2 id="files-h" className="mb-2 font-semibold">
            {t('附件')}
          </h2>
          {a.attachments.length ? (
            <ul>
              {a.attachments.map((f) => (
                <li key={f.id}>
                  {/* a plain link: a download is not a page navigation */}
                  <a href={`/attachments/${f.id}`} download className="text-red-700 hover:underline">
                    {f.fileName}
                  </a>
                  （{Math.ceil(f.size / 1024)} KB）
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-slate-500">{t('暂无')}</p>
          )}
          {a.mayAttach ? <AttachmentUpload appealId={a.id} /> : null}
        </section>
        {cityEvent ? (
          <section className="rounded-lg border bg-white p-4" aria-labelledby="event-media-h" data-testid="event-media">
            <h2 id="event-media-h" className="mb-2 font-semibold">
              {t('事件影像')}
            </h2>
            <p className="mb-1 text-sm text-slate-500">
              {t('{{client}} 上报，事件编号 {{id}}', { client: cityEvent.client, id: cityEvent.eventId })}
            </p>
            {cityEvent.media.length ? (
              <ul>
                {cityEvent.media.map((m) => (
                  <li key={m.url}>
                    {t(m.kind === 'photo' ? '照片' : '视频')}：
                    <a
                      href={m.url}
                      target="_blank"
                      rel="noopener noreferrer nofollow"
                      className="break-all text-red-700 hover:underline"
                    >
                      {m.url}
                    </a>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-slate-500">{t('暂无')}</p>
            )}
          </section>
        ) : null}
        <section className="rounded-lg border bg-white p-4" aria-labelledby="calls-h">
          <h2 id="calls-h" className="mb-2 font-semibold">
            {t('关联通话')}
          </h2>
          {a.calls.length ? (
            <ul className="space-y-2" data-testid="appeal-calls">
              {a.calls.map((c) => (
                <li key={c.callId} className="rounded bg-slate-50 p-2" data-testid="appeal-call">
                  <div className="flex flex-wrap gap-x-3">
                    <span>{c.ringAt}</span>
                    <span>
                      {t(CALL_DIRECTION_LABELS[c.direction] ?? c.direction)} {c.direction === 'inbound' ? c.from : c.to}
                    </span>
                    <span data-testid="call-disposition">
                      {c.disposition ? t(CALL_DISPOSITION_LABELS[c.disposition] ?? c.disposition) : t('进行中')}
                    </span>
                    {c.waitSeconds !== null ? (
                      <span data-testid="call-wait">{t('等待 {{n}} 秒', { n: c.waitSeconds })}</span>
                    ) : null}
                    {c.talkSeconds !== null ? (
                      <span data-testid="call-talk">{t('通话 {{n}} 秒', { n: c.talkSeconds })}</span>
                    ) : null}
                  </div>
                  {c.recordingUrl ? (
                    <audio
                      controls
                      preload="none"
                      src={c.recordingUrl}
                      className="mt-1 h-8 w-full"
                      data-testid="call-recording"
                    />
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-slate-500">{t('暂无')}</p>
          )}
        </section>
      </div>
    </div>
  );
}
