import { Link } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { NOT_READY_REASONS, type NotReadyReason } from '../../machines/agent';
import { useT } from '../i18n/use-t';
import { BlockedCallerWarning } from './blocked-caller';
import { PossiblePolicies } from './possible-policies';
import { phoneProblem, PhoneProblem } from '../telephony/phone-problems';
import { useAgentPhone, type AgentPhone, type AgentSnapshot } from '../telephony/use-agent-phone';
import { PHASE_LABELS } from '../ui/labels';
import { csrfHeaders } from '../ui/csrf';

export const NOT_READY_LABELS: Record<NotReadyReason, string> = {
  signedIn: '刚登录',
  break: '小休',
  meal: '用餐',
  training: '培训',
  meeting: '会议',
  paperwork: '整理工单',
};

function stateLabel(s: AgentSnapshot | null, phone: AgentPhone, t: (key: string) => string): string {
  if (phone.status === 'disabled') return '电话系统未启用';
  if (!s || s.matches('offline') || s.matches('registering')) return '正在连接电话系统…';
  if (s.matches('reconnecting')) return s.context.unreachable ? '电话系统无法连接，可继续手工登记' : '电话系统重连中…';
  if (s.matches('ready')) return '就绪';
  if (s.matches('notReady')) return `${t('未就绪')} · ${t(NOT_READY_LABELS[s.context.notReadyReason])}`;
  if (s.matches('ringing') || s.matches('answering') || s.matches('rejecting')) return '来电振铃';
  if (s.matches('dialing')) return '正在呼叫';
  if (s.matches({ inCall: { hold: 'on' } })) return '通话保持';
  if (s.matches('inCall')) return '通话中';
  if (s.matches('afterCallWork')) return '话后处理';
  return '';
}

/** A callback (回访) dials the complainant's number through the audited reveal: the number is recorded as seen. */
async function callbackNumber(appealId: number): Promise<string> {
  const r = await fetch(`/appeals/${appealId}/reveal`, {
    method: 'POST',
    body: new URLSearchParams({ field: 'callerPhone' }),
    headers: csrfHeaders(),
    credentials: 'same-origin',
  });
  if (!r.ok)
    throw new PhoneProblem(
      r.status === 403 ? '无权查看该号码' : '无法获取回访号码，请刷新页面后重试或手工登记回访结果',
    );
  return ((await r.json()) as { value: string }).value;
}

const button = 'rounded px-2 py-1 text-xs font-medium disabled:opacity-40';
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** What the phone is ringing with: the caller and his history, before the operator answers. */
function ScreenPop({ phone }: { phone: AgentPhone }) {
  const { t } = useT();
  const call = phone.snapshot?.context.call;
  const h = phone.screenPop;
  if (!call) return null;
  return (
    <section
      className="border-t border-amber-300 bg-amber-50 px-4 py-2"
      aria-label={t('来电弹屏')}
      data-testid="screen-pop"
    >
      <div className="flex flex-wrap items-center gap-3">
        <span className="text-base font-semibold" data-testid="screen-pop-number">
          {call.from}
        </span>
        {h?.citizen?.name ? (
          <span data-testid="screen-pop-name">{h.citizen.name}</span>
        ) : (
          <span className="text-slate-500">{t('未登记的来电人')}</span>
        )}
        {h?.citizen?.address ? <span className="text-slate-600">{h.citizen.address}</span> : null}
        {h?.blocked ? <BlockedCallerWarning reason={h.blocked.reason} testId="screen-pop-blocked" inline /> : null}
        {h?.repeatCaller ? (
          <span className="rounded bg-red-600 px-1.5 text-xs text-white" data-testid="screen-pop-repeat">
            {t('重复来电：30 天内 {{n}} 次', { n: h.last30Days })}
          </span>
        ) : null}
      </div>
      {h ? (
        <div className="mt-1 grid gap-2 md:grid-cols-2">
          <div>
            <h3 className="text-xs font-semibold text-slate-600">
              {t('未办结诉求')}（{h.open.length}）
            </h3>
            <ul data-testid="screen-pop-open">
              {h.open.slice(0, 5).map((a) => (
                <li key={a.id}>
                  <Link to={`/appeals/${a.id}`} className="text-red-700 underline">
                    {a.number}
                  </Link>{' '}
                  {a.title} <span className="text-xs text-slate-500">{t(PHASE_LABELS[a.phase] ?? a.phase)}</span>
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h3 className="text-xs font-semibold text-slate-600">{t('最近诉求')}</h3>
            <ul data-testid="screen-pop-recent">
              {h.recent.slice(0, 5).map((a) => (
                <li key={a.id}>
                  <Link to={`/appeals/${a.id}`} className="text-red-700 underline">
                    {a.number}
                  </Link>{' '}
                  {a.title} <span className="text-xs text-slate-500">{a.createdAt.slice(0, 10)}</span>
                </li>
              ))}
              {h.recent.length === 0 ? <li className="text-slate-500">{t('没有诉求记录')}</li> : null}
            </ul>
          </div>
        </div>
      ) : (
        <p className="text-xs text-slate-500">{t('正在查询来电人记录…')}</p>
      )}
      {h ? (
        <div className="mt-1">
          <PossiblePolicies policies={h.policies} compact limit={6} />
        </div>
      ) : null}
    </section>
  );
}

/**
 * The softphone bar on every page of an operator or callback agent, driven by the agent machine:
 * status, ready / not ready, answer, reject, hang up, hold, mute, keypad, transfer and dial out.
 */
export function SoftphoneBar({ enabled }: { enabled: boolean }) {
  const phone = useAgentPhone(enabled);
  const { t } = useT();
  const s = phone.snapshot;
  const [reason, setReason] = useState<NotReadyReason>('break');
  const [number, setNumber] = useState('');
  const [target, setTarget] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const ringing = !!s?.matches('ringing');
  const inCall = !!s?.matches('inCall');
  const idle = !!s && (s.matches('ready') || s.matches('notReady') || s.matches('afterCallWork'));
  const held = !!s?.matches({ inCall: { hold: 'on' } });
  const muted = !!s?.matches({ inCall: { mute: 'on' } });

  // Buttons marked data-dial anywhere on the page (callback queue, appeal callback step) dial out.
  useEffect(() => {
    if (!enabled) return;
    const onClick = (e: MouseEvent) => {
      const el = (e.target as HTMLElement).closest<HTMLElement>('[data-dial], [data-dial-appeal]');
      if (!el) return;
      e.preventDefault();
      setProblem(null);
      const appealId = Number(el.dataset.dialAppeal) || undefined;
      const number = el.dataset.dial ? Promise.resolve(el.dataset.dial) : callbackNumber(appealId!);
      number
        .then((n) => phone.dial(n, appealId))
        .catch((err: unknown) => setProblem(phoneProblem(err, appealId ? 'callback' : 'call')));
    };
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
    // phone.dial is the stable entry point; the rest of the phone's state must not re-add the listener.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, phone.dial]);

  const act = (fn: () => Promise<unknown> | unknown) => async () => {
    setProblem(null);
    try {
      await fn();
    } catch (err) {
      setProblem(phoneProblem(err));
    }
  };
  const softphone = phone.phone;
  const status = stateLabel(s, phone, t);
  const warn = phone.status === 'disabled' || !!s?.matches('reconnecting');

  return (
    <div className="border-b bg-white shadow-sm" data-testid="softphone">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-2 px-4 py-1.5">
        <span
          className={`rounded-full px-2 py-0.5 text-xs font-semibold ${warn ? 'bg-amber-100 text-amber-900' : s?.matches('ready') ? 'bg-green-100 text-green-800' : ringing ? 'animate-pulse bg-amber-400 text-black' : 'bg-slate-100'}`}
          data-testid="agent-state"
          role="status"
        >
          ☎ {t(status)}
          {s?.matches('afterCallWork') && phone.secondsLeft !== null ? ` ${phone.secondsLeft}s` : ''}
        </span>
        {s?.context.call ? (
          <span className="text-xs" data-testid="call-party">
            {s.context.call.direction === 'inbound' ? s.context.call.from : s.context.call.to}
          </span>
        ) : null}

        {idle ? (
          <>
            {s!.matches('ready') ? null : (
              <button
                className={`${button} bg-green-700 text-white`}
                onClick={() => phone.send({ type: 'GO_READY' })}
                data-testid="go-ready"
              >
                {t('就绪')}
              </button>
            )}
            <select
              value={reason}
              onChange={(e) => setReason(e.target.value as NotReadyReason)}
              className="rounded border px-1 py-0.5 text-xs"
              aria-label={t('未就绪原因')}
            >
              {NOT_READY_REASONS.filter((r) => r !== 'signedIn').map((r) => (
                <option key={r} value={r}>
                  {t(NOT_READY_LABELS[r])}
                </option>
              ))}
            </select>
            <button
              className={`${button} bg-slate-200`}
              onClick={() => phone.send({ type: 'GO_NOT_READY', reason })}
              data-testid="go-not-ready"
            >
              {t('未就绪')}
            </button>
            <form
              className="flex items-center gap-1"
              onSubmit={(e) => {
                e.preventDefault();
                void act(() => phone.dial(number.trim()))();
              }}
            >
              <input
                value={number}
                onChange={(e) => setNumber(e.target.value)}
                placeholder={t('外拨号码')}
                className="w-32 rounded border px-1 py-0.5 text-xs"
                aria-label={t('外拨号码')}
                inputMode="tel"
              />
              <button
                className={`${button} bg-slate-700 text-white`}
                disabled={!/^\d{3,20}$/.test(number.trim())}
                data-testid="dial-out"
              >
                {t('拨打')}
              </button>
            </form>
          </>
        ) : null}

        {ringing ? (
          <>
            <button
              className={`${button} bg-green-700 text-white`}
              onClick={act(async () => {
                phone.send({ type: 'ANSWER' });
                await softphone?.answer();
              })}
              data-testid="answer"
            >
              {t('接听')}
            </button>
            <button
              className={`${button} bg-red-700 text-white`}
              onClick={act(async () => {
                phone.send({ type: 'REJECT' });
                await softphone?.reject();
              })}
              data-testid="reject"
            >
              {t('拒接')}
            </button>
          </>
        ) : null}

        {inCall || s?.matches('dialing') ? (
          <button
            className={`${button} bg-red-700 text-white`}
            onClick={act(() => softphone?.hangup())}
            data-testid="hang-up"
          >
            {t('挂断')}
          </button>
        ) : null}
        {inCall ? (
          <>
            <button
              className={`${button} bg-slate-200`}
              onClick={act(async () => {
                await softphone?.hold(!held);
                phone.send({ type: held ? 'UNHOLD' : 'HOLD' });
              })}
              data-testid="hold"
            >
              {t(held ? '恢复' : '保持')}
            </button>
            <button
              className={`${button} bg-slate-200`}
              onClick={act(() => {
                softphone?.mute(!muted);
                phone.send({ type: muted ? 'UNMUTE' : 'MUTE' });
              })}
              data-testid="mute"
            >
              {t(muted ? '取消静音' : '静音')}
            </button>
            <details className="relative">
              <summary className={`${button} cursor-pointer list-none bg-slate-200`} data-testid="keypad-toggle">
                {t('拨号盘')}
              </summary>
              <div
                className="absolute z-10 mt-1 grid w-32 grid-cols-3 gap-1 rounded border bg-white p-1 shadow"
                data-testid="keypad"
              >
                {KEYS.map((k) => (
                  <button
                    key={k}
                    className="rounded bg-slate-100 py-1"
                    onClick={() => softphone?.sendDtmf(k)}
                    data-testid={`dtmf-${k}`}
                  >
                    {k}
                  </button>
                ))}
              </div>
            </details>
            {phone.settings?.enabled && phone.settings.transferTargets.length ? (
              <span className="flex items-center gap-1">
                <select
                  value={target}
                  onChange={(e) => setTarget(e.target.value)}
                  className="max-w-40 rounded border px-1 py-0.5 text-xs"
                  aria-label={t('转接单位')}
                  data-testid="transfer-target"
                >
                  <option value="">{t('转接到…')}</option>
                  {phone.settings.transferTargets.map((d) => (
                    <option key={d.number} value={d.number}>
                      {d.name} {d.number}
                    </option>
                  ))}
                </select>
                <button
                  className={`${button} bg-slate-700 text-white`}
                  disabled={!target}
                  onClick={act(() => softphone?.transfer(target))}
                  data-testid="transfer"
                >
                  {t('转接')}
                </button>
              </span>
            ) : null}
          </>
        ) : null}
        {s?.matches('afterCallWork') ? (
          <button
            className={`${button} bg-green-700 text-white`}
            onClick={() => phone.send({ type: 'GO_READY' })}
            data-testid="end-wrap-up"
          >
            {t('结束话后处理')}
          </button>
        ) : null}
        {problem || phone.error ? (
          <span role="alert" className="text-xs text-red-700">
            {t(problem ?? phone.error ?? '')}
          </span>
        ) : null}
        {s?.matches('reconnecting') && s.context.unreachable ? (
          <Link to="/intake" className="text-xs text-red-700 underline">
            {t('手工登记来电')}
          </Link>
        ) : null}
      </div>
      {ringing || s?.matches('answering') ? <ScreenPop phone={phone} /> : null}
    </div>
  );
}
