import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';
import { z } from 'zod';
import { performAction } from '../appeals/actions.server';
import { requireUserWith } from '../auth/session.server';
import { LatenessChart } from '../components/lateness-chart';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { supervisionBoard, type BoardAppeal, type BoardSection } from '../supervision/board.server';
import { QueueCountText, QueuePager } from '../components/queue-pager';
import { useT } from '../i18n/use-t';
import { PHASE_LABELS, REFERRAL_KIND_LABELS, SLA_LABELS } from '../ui/labels';
import { referralPhaseLabel } from '../ui/referral-labels';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '督办看板 · 12345 热线' }];

const REFRESH_MS = 30_000;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'supervision:read');
  const params = new URL(request.url).searchParams;
  return domain(() => supervisionBoard(context.runtime.db.em(), user.actor, params));
}

const boardAction = z.object({
  appealId: z.coerce.number().int().positive(),
  intent: z.enum(['SUPERVISE', 'ESCALATE', 'APPROVE_EXTENSION', 'REJECT_EXTENSION']),
  version: z.coerce.number().int().positive(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'appeal:supervise');
  const { form, refused } = await readFormWithRefusal(request);
  const parsed = boardAction.safeParse(Object.fromEntries(form));
  if (!parsed.success)
    return json({ failure: { intent: '', message: '无效的操作' } as FormFailure, appealId: 0 }, { status: 400 });
  const { appealId, intent, version } = parsed.data;
  try {
    if (refused) throw refused;
    await performAction(context.runtime.services, user.actor, appealId, intent, version, form);
    return json({ failure: null, appealId });
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure, appealId }, { status });
  }
}

function Row({ a, children }: { a: BoardAppeal; children?: React.ReactNode }) {
  const { t, d } = useT();
  return (
    <tr className="border-b align-top last:border-0">
      <td className="px-3 py-1.5 font-mono">
        <Link to={`/appeals/${a.id}`} className="text-red-700 hover:underline">
          {a.number}
        </Link>
      </td>
      <td>{a.title}</td>
      <td>{t(PHASE_LABELS[a.phase] ?? a.phase)}</td>
      <td>{a.holder}</td>
      <td>
        {a.dueAt}
        <div className="text-xs text-slate-500">{d(a.remaining)}</div>
      </td>
      <td>
        {a.superviseCount ? t('督办 {{n}} 次', { n: a.superviseCount }) : ''}
        {a.escalation ? ` · ${t('已升级')}` : ''}
      </td>
      <td className="py-1.5">{children}</td>
    </tr>
  );
}

function Pager({ s }: { s: BoardSection<unknown> }) {
  return (
    <QueuePager id={s.key} param={s.param} count={s.count} offset={s.offset} shown={s.items.length} next={s.next} />
  );
}

function Hidden({ a, intent }: { a: BoardAppeal; intent: string }) {
  return (
    <>
      <input type="hidden" name="appealId" value={a.id} />
      <input type="hidden" name="version" value={a.version} />
      <input type="hidden" name="intent" value={intent} />
    </>
  );
}

export default function Supervision() {
  const { t } = useT();
  const board = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  const revalidator = useRevalidator();
  // The board refreshes itself: timers turn appeals late while the supervisor watches.
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === 'visible' && revalidator.state === 'idle') revalidator.revalidate();
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, [revalidator]);
  const failedFor = (id: number) => (result?.failure && result.appealId === id ? result.failure : null);
  const failure = (id: number) => {
    const f = failedFor(id);
    return f ? (
      <p role="alert" className="text-xs text-red-600">
        {t(Object.values(f.fieldErrors ?? {})[0]?.[0] ?? f.message)}
      </p>
    ) : null;
  };
  const head = (
    <thead>
      <tr className="border-b text-left text-slate-500">
        <th className="px-3 py-1">{t('编号')}</th>
        <th>{t('标题')}</th>
        <th>{t('状态')}</th>
        <th>{t('承办')}</th>
        <th>{t('时限')}</th>
        <th>{t('督办')}</th>
        <th>{t('操作')}</th>
      </tr>
    </thead>
  );
  return (
    <div className="space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-lg font-semibold">{t('督办看板')}</h1>
        <Link to="/supervision/grids" className="ml-4 mr-auto text-red-700 hover:underline">
          {t('网格态势')}
        </Link>
        <span className="text-xs text-slate-500" data-testid="refreshed-at">
          {t('更新于 {{at}}（每 30 秒自动刷新）', { at: board.refreshedAt })}
        </span>
      </div>
      <section className="rounded-lg border bg-white p-4" aria-labelledby="chart-h">
        <h2 id="chart-h" className="mb-2 font-semibold">
          {t('各单位临期与超期')}
        </h2>
        <LatenessChart data={board.byHolder} />
      </section>
      <section id="extensions" className="rounded-lg border bg-white" aria-labelledby="ext-h">
        <h2 id="ext-h" className="border-b px-4 py-2 font-semibold">
          {t('延期申请')}（
          <span data-testid="board-count-extensions">
            <QueueCountText count={board.extensions.count} />
          </span>
          ）
        </h2>
        <table className="w-full">
          {head}
          <tbody>
            {board.extensions.items.map((a) => (
              <Row key={a.id} a={a}>
                <p className="text-xs text-slate-600">
                  {t('申请 {{n}} 个工作日：', { n: a.days ?? '—' })}
                  {a.reason}
                </p>
                <Form method="post" className="flex items-center gap-1" aria-label={`批准延期 ${a.number}`}>
                  <CsrfField />
                  <Hidden a={a} intent="APPROVE_EXTENSION" />
                  <input
                    name="days"
                    type="number"
                    min={1}
                    max={30}
                    defaultValue={a.days ?? undefined}
                    aria-label={t('批准工作日')}
                    className="w-14 rounded border px-1"
                  />
                  <button disabled={busy} className="rounded bg-red-700 px-2 py-0.5 text-white">
                    {t('批准')}
                  </button>
                </Form>
                <Form method="post" className="mt-1 flex items-center gap-1" aria-label={`驳回延期 ${a.number}`}>
                  <CsrfField />
                  <Hidden a={a} intent="REJECT_EXTENSION" />
                  <input
                    name="reason"
                    placeholder={t('驳回理由')}
                    aria-label={t('驳回理由')}
                    className="w-32 rounded border px-1"
                  />
                  <button disabled={busy} className="rounded border px-2 py-0.5">
                    {t('驳回')}
                  </button>
                </Form>
                {failure(a.id)}
              </Row>
            ))}
          </tbody>
        </table>
        <Pager s={board.extensions} />
      </section>
      <section id="overdue" className="rounded-lg border bg-white" aria-labelledby="overdue-h">
        <h2 id="overdue-h" className="border-b px-4 py-2 font-semibold">
          {t('已超期')}（
          <span data-testid="board-count-overdue">
            <QueueCountText count={board.overdue.count} />
          </span>
          ）
        </h2>
        <table className="w-full">
          {head}
          <tbody>
            {board.overdue.items.map((a) => (
              <Row key={a.id} a={a}>
                <Form method="post" className="flex items-center gap-1" aria-label={`督办 ${a.number}`}>
                  <CsrfField />
                  <Hidden a={a} intent="SUPERVISE" />
                  <input
                    name="note"
                    placeholder={t('督办意见')}
                    aria-label={t('督办意见')}
                    className="w-36 rounded border px-1"
                  />
                  <button disabled={busy} className="rounded bg-red-700 px-2 py-0.5 text-white">
                    {t('督办')}
                  </button>
                </Form>
                <Form method="post" className="mt-1 flex items-center gap-1" aria-label={`升级 ${a.number}`}>
                  <CsrfField />
                  <Hidden a={a} intent="ESCALATE" />
                  <select name="to" aria-label={t('升级至')} className="rounded border px-1">
                    <option value="leader">{t('领导接访')}</option>
                    <option value="jointMeeting">{t('联席会议')}</option>
                  </select>
                  <input
                    name="note"
                    placeholder={t('说明')}
                    aria-label={t('升级说明')}
                    className="w-24 rounded border px-1"
                  />
                  <button disabled={busy} className="rounded border px-2 py-0.5">
                    {t('升级')}
                  </button>
                </Form>
                {failure(a.id)}
              </Row>
            ))}
          </tbody>
        </table>
        <Pager s={board.overdue} />
      </section>
      <section id="triage-late" className="rounded-lg border bg-white" aria-labelledby="triage-late-h">
        <h2 id="triage-late-h" className="border-b px-4 py-2 font-semibold">
          {t('网站诉求受理超时')}（
          <span data-testid="board-count-triageLate">
            <QueueCountText count={board.triageLate.count} />
          </span>
          ）
        </h2>
        <table className="w-full">
          {head}
          <tbody>
            {board.triageLate.items.map((a) => (
              <Row key={a.id} a={a} />
            ))}
          </tbody>
        </table>
        <Pager s={board.triageLate} />
      </section>
      <section id="warned" className="rounded-lg border bg-white" aria-labelledby="warned-h">
        <h2 id="warned-h" className="border-b px-4 py-2 font-semibold">
          {t('临期预警')}（
          <span data-testid="board-count-warned">
            <QueueCountText count={board.warned.count} />
          </span>
          ）
        </h2>
        <table className="w-full">
          {head}
          <tbody>
            {board.warned.items.map((a) => (
              <Row key={a.id} a={a} />
            ))}
          </tbody>
        </table>
        <Pager s={board.warned} />
      </section>
      <section className="rounded-lg border bg-white" aria-labelledby="late-referrals-h">
        <h2 id="late-referrals-h" className="border-b px-4 py-2 font-semibold">
          {t('转介案件法定期限')}（{board.lateReferrals.length}）
        </h2>
        <table className="w-full" data-testid="late-referrals">
          <thead>
            <tr className="border-b text-left text-slate-500">
              <th className="px-3 py-1">{t('案件编号')}</th>
              <th>{t('转介类型')}</th>
              <th>{t('承办机构')}</th>
              <th>{t('状态')}</th>
              <th>{t('最近期限')}</th>
              <th>{t('诉求编号')}</th>
            </tr>
          </thead>
          <tbody>
            {board.lateReferrals.map((r) => (
              <tr key={r.id} className="border-b last:border-0">
                <td className="px-3 py-1">
                  <Link to={`/referrals/${r.id}`} className="font-mono text-red-700 hover:underline">
                    {r.number}
                  </Link>
                </td>
                <td>{t(REFERRAL_KIND_LABELS[r.kind] ?? r.kind)}</td>
                <td>{r.agency}</td>
                <td>{t(referralPhaseLabel(r.kind, r.phase))}</td>
                <td>
                  <span
                    className={
                      r.clockState === 'overdue'
                        ? 'rounded bg-red-100 px-1.5 text-red-800'
                        : 'rounded bg-amber-100 px-1.5 text-amber-800'
                    }
                  >
                    {t(SLA_LABELS[r.clockState] ?? r.clockState)}
                  </span>{' '}
                  {r.dueAt}
                </td>
                <td>
                  <Link to={`/appeals/${r.appealId}`} className="font-mono hover:underline">
                    {r.appealNumber}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section id="escalated" className="rounded-lg border bg-white" aria-labelledby="esc-h">
        <h2 id="esc-h" className="border-b px-4 py-2 font-semibold">
          {t('已升级')}（
          <span data-testid="board-count-escalated">
            <QueueCountText count={board.escalated.count} />
          </span>
          ）
        </h2>
        <table className="w-full">
          {head}
          <tbody>
            {board.escalated.items.map((a) => (
              <Row key={a.id} a={a} />
            ))}
          </tbody>
        </table>
        <Pager s={board.escalated} />
      </section>
    </div>
  );
}
