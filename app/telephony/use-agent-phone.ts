import { useNavigate } from '@remix-run/react';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { createActor, type SnapshotFrom } from 'xstate';
import { agentMachine, inQueue, type AgentCall, type EndReason } from '../../machines/agent';
import type { SoftphoneSettings } from './agent-session.server';
import type { CallerHistory } from './screen-pop';
import type { CallInfo, Softphone, SoftphoneStatus } from './softphone.client';
import { csrfHeaders } from '../ui/csrf';
import { SoftphoneError } from '../../telephony/softphone-error';

type AgentActor = ReturnType<typeof createActor<typeof agentMachine>>;
export type AgentSnapshot = SnapshotFrom<typeof agentMachine>;

export interface AgentPhone {
  snapshot: AgentSnapshot | null;
  settings: SoftphoneSettings | null;
  status: SoftphoneStatus | 'disabled';
  screenPop: CallerHistory | null;
  error: string | null;
  send: AgentActor['send'];
  phone: Softphone | null;
  dial(number: string, appealId?: number): Promise<void>;
  secondsLeft: number | null;
}

const noop = () => undefined;

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: csrfHeaders({ 'Content-Type': 'application/json' }),
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
}

/**
 * Reports one call event to the server. Reports are idempotent there, so a failed one is retried
 * a few times and a late one is harmless.
 */
async function report(event: Record<string, unknown>): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const r = await postJson('/telephony/calls/events', { at: new Date().toISOString(), ...event });
      if (r.ok || (r.status >= 400 && r.status < 500)) return;
    } catch {
      // network gone for a moment: try again
    }
    await new Promise((res) => setTimeout(res, 500 * 2 ** attempt));
  }
}

const toAgentCall = (c: CallInfo): AgentCall => ({ callId: c.callId, direction: c.direction, from: c.from, to: c.to });

/**
 * The operator's phone for the whole signed-in page: the agent machine, the sip.js softphone it
 * drives (loaded only in the browser), the call reports and the screen pop.
 */
export function useAgentPhone(enabled: boolean): AgentPhone {
  const navigate = useNavigate();
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;
  const [actor, setActor] = useState<AgentActor | null>(null);
  const [settings, setSettings] = useState<SoftphoneSettings | null>(null);
  const [status, setStatus] = useState<SoftphoneStatus | 'disabled'>('offline');
  const [screenPop, setScreenPop] = useState<CallerHistory | null>(null);
  const [error, setError] = useState<string | null>(null);
  const phoneRef = useRef<Softphone | null>(null);
  const pendingAppeal = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let phone: Softphone | null = null;
    let agent: AgentActor | null = null;
    const audio = new Audio();
    audio.autoplay = true;

    const fetchSettings = async (): Promise<SoftphoneSettings> => {
      const r = await fetch('/telephony/credentials', {
        method: 'POST',
        headers: csrfHeaders(),
        credentials: 'same-origin',
      });
      // 503: telephony is switched off on this server (no SIP secret), and the body says so.
      if (r.status === 503) return { enabled: false, reason: await r.text() };
      if (!r.ok) throw new Error(`credentials ${r.status}`);
      return (await r.json()) as SoftphoneSettings;
    };

    (async () => {
      let first: SoftphoneSettings;
      try {
        first = await fetchSettings();
      } catch {
        setError('无法获取电话凭据');
        setStatus('unreachable');
        return;
      }
      if (stopped) return;
      setSettings(first);
      if (!first.enabled) {
        setStatus('disabled');
        return;
      }
      agent = createActor(agentMachine, { input: { afterCallSeconds: first.afterCallSeconds } }).start();
      setActor(agent);
      const a = agent;
      const { Softphone } = await import('./softphone.client');
      if (stopped) return;
      phone = new Softphone(
        {
          wsUrl: first.wsUrl,
          domain: first.domain,
          sipUser: first.sipUser,
          displayName: first.displayName,
          queueAor: first.queueAor,
          media: { remoteAudio: audio },
          async getCredentials() {
            const s = await fetchSettings();
            if (!s.enabled) throw new Error(s.reason);
            return s.credentials;
          },
        },
        {
          onStatus(s) {
            setStatus(s);
            if (s === 'registered') a.send({ type: 'REGISTERED' });
            else if (s === 'reconnecting') a.send({ type: 'CONNECTION_LOST', unreachable: false });
            else if (s === 'unreachable') a.send({ type: 'CONNECTION_LOST', unreachable: true });
          },
          onIncoming(call) {
            a.send({ type: 'INCOMING', call: toAgentCall(call) });
            setScreenPop(null);
            void report({ callId: call.callId, kind: 'ringing', direction: 'inbound', from: call.from, to: call.to });
            // The screen pop is fetched while the phone still rings.
            void fetch(`/telephony/screenpop?phone=${encodeURIComponent(call.from)}`, { credentials: 'same-origin' })
              .then((r) => (r.ok ? r.json() : null))
              .then((body: { history: CallerHistory | null } | null) => setScreenPop(body?.history ?? null))
              .catch(() => setScreenPop(null));
          },
          onOutgoing(call) {
            const appealId = pendingAppeal.current;
            pendingAppeal.current = undefined;
            a.send({ type: 'DIAL', call: toAgentCall(call) });
            void report({
              callId: call.callId,
              kind: 'dialing',
              direction: 'outbound',
              from: call.from,
              to: call.to,
              ...(appealId ? { appealId } : {}),
            });
          },
          onEstablished(call) {
            const at = new Date().toISOString();
            a.send({ type: 'ESTABLISHED', at });
            void report({
              callId: call.callId,
              kind: 'answered',
              at,
              direction: call.direction,
              from: call.from,
              to: call.to,
            });
            // Answering opens the intake form filled with the caller.
            if (call.direction === 'inbound')
              navigateRef.current(
                `/intake?phone=${encodeURIComponent(call.from)}&call=${encodeURIComponent(call.callId)}`,
              );
          },
          onEnded(call, reason: EndReason) {
            a.send({ type: 'ENDED', reason });
            void report({
              callId: call.callId,
              kind: 'ended',
              reason,
              direction: call.direction,
              from: call.from,
              to: call.to,
            });
          },
          onTransferred(call, target) {
            a.send({ type: 'TRANSFERRED', target });
            void report({
              callId: call.callId,
              kind: 'transferred',
              target,
              direction: call.direction,
              from: call.from,
              to: call.to,
            });
          },
          onRecording(call, blob, sha256) {
            const form = new FormData();
            form.set('file', new File([blob], `${call.callId}.webm`, { type: blob.type || 'audio/webm' }));
            form.set('sha256', sha256);
            void fetch(`/telephony/calls/${encodeURIComponent(call.callId)}/recording`, {
              method: 'POST',
              body: form,
              headers: csrfHeaders(),
              credentials: 'same-origin',
            }).catch(() => setError('录音上传失败'));
          },
        },
      );
      phoneRef.current = phone;
      a.send({ type: 'START' });
      await phone.start().catch(() => a.send({ type: 'CONNECTION_LOST', unreachable: true }));
    })();

    return () => {
      stopped = true;
      agent?.send({ type: 'STOP' });
      void phone?.stop();
      phoneRef.current = null;
      agent?.stop();
    };
  }, [enabled]);

  const snapshot = useSyncExternalStore(
    useCallback((cb: () => void) => (actor ? actor.subscribe(cb).unsubscribe : noop), [actor]),
    () => actor?.getSnapshot() ?? null,
    () => null,
  );

  // The queue registration follows the machine: registered under 12345 only while ready.
  const queued = snapshot ? inQueue(snapshot) : false;
  useEffect(() => {
    const phone = phoneRef.current;
    if (
      !phone ||
      !snapshot ||
      snapshot.matches('offline') ||
      snapshot.matches('registering') ||
      snapshot.matches('reconnecting')
    )
      return;
    void (queued ? phone.joinQueue() : phone.leaveQueue()).catch(() => setError('加入/退出热线队列失败'));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queued, snapshot?.matches('reconnecting')]);

  // After-call work ends by itself once an appeal is linked to the call (saved on the intake form).
  const wrapUpCallId = snapshot?.matches('afterCallWork') ? (snapshot.context.wrapUpCall?.callId ?? null) : null;
  useEffect(() => {
    if (!wrapUpCallId || !actor) return;
    const timer = setInterval(async () => {
      const r = await fetch(`/telephony/calls/${encodeURIComponent(wrapUpCallId)}`, {
        credentials: 'same-origin',
      }).catch(() => null);
      if (!r?.ok) return;
      const body = (await r.json()) as { appeals?: unknown[] };
      if (body.appeals?.length) actor.send({ type: 'APPEAL_SAVED' });
    }, 1500);
    return () => clearInterval(timer);
  }, [wrapUpCallId, actor]);

  // The after-call countdown shown in the bar.
  const [now, setNow] = useState(() => Date.now());
  const [wrapStartedAt, setWrapStartedAt] = useState<number | null>(null);
  useEffect(() => {
    if (!wrapUpCallId) return setWrapStartedAt(null);
    setWrapStartedAt(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [wrapUpCallId]);
  const secondsLeft =
    wrapStartedAt && settings?.enabled
      ? Math.max(0, settings.afterCallSeconds - Math.floor((now - wrapStartedAt) / 1000))
      : null;

  const dial = useCallback(
    async (number: string, appealId?: number) => {
      const phone = phoneRef.current;
      if (!phone || !actor) throw new SoftphoneError('notStarted', 'softphone not started');
      // The call is announced by onOutgoing before the INVITE leaves, so no answer can overtake it.
      pendingAppeal.current = appealId;
      await phone.dial(number);
    },
    [actor],
  );

  return {
    snapshot,
    settings,
    status,
    screenPop,
    error,
    send: actor?.send.bind(actor) ?? noop,
    phone: phoneRef.current,
    dial,
    secondsLeft,
  };
}
