import type { MetaFunction } from '@remix-run/node';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n/use-t';
import { demoPhoneEnabled, type CitizenPhoneSettings } from '../telephony/agent-session.server';
import { requireTelephony } from '../telephony/sip-secret.server';
import type { CallInfo, Softphone, SoftphoneStatus } from '../telephony/softphone.client';
import { csrfHeaders } from '../ui/csrf';
import { phoneProblem, PhoneProblem } from '../telephony/phone-problems';
import { SoftphoneError } from '../../telephony/softphone-error';

export const meta: MetaFunction = () => [{ title: '市民电话（演示） · 12345 热线' }];

// A citizen's phone in the browser, for demos and tests: dial 12345, talk, hang up. Off in production.
export async function loader() {
  if (!demoPhoneEnabled()) throw new Response('页面不存在', { status: 404 });
  requireTelephony();
  return null;
}

type Line = 'idle' | 'connecting' | 'registered' | 'calling' | 'ringing' | 'talking' | 'ended' | 'unreachable';

const LINE_LABELS: Record<Line, string> = {
  idle: '未连接',
  connecting: '连接中…',
  registered: '已就绪，可拨打',
  calling: '正在呼叫…',
  ringing: '来电振铃',
  talking: '通话中',
  ended: '通话已结束',
  unreachable: '无法连接电话系统',
};

const IN_CALL: Line[] = ['calling', 'ringing', 'talking'];

/** The phone's connection shows on the line only between calls; a call in progress keeps its state. */
function lineAfterStatus(line: Line, status: SoftphoneStatus): Line {
  if (IN_CALL.includes(line)) return line;
  if (status === 'registered') return line === 'ended' ? 'ended' : 'registered';
  if (status === 'unreachable') return 'unreachable';
  if (status === 'reconnecting' || status === 'connecting') return 'connecting';
  return line;
}

export default function CitizenPhone() {
  const { t } = useT();
  const [number, setNumber] = useState(() => `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`);
  const [line, setLine] = useState<Line>('idle');
  const [problem, setProblem] = useState<string | null>(null);
  const [incoming, setIncoming] = useState<CallInfo | null>(null);
  const [transferredTo, setTransferredTo] = useState<string | null>(null);
  const phoneRef = useRef<Softphone | null>(null);
  const audioRef = useRef<HTMLAudioElement>(null);

  // Buttons work only once the page is hydrated; until then they stay disabled rather than ignore a click.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => {
    setHydrated(true);
    return () => void phoneRef.current?.stop();
  }, []);

  const credentials = async (): Promise<CitizenPhoneSettings> => {
    const r = await fetch('/phone/credentials', {
      method: 'POST',
      body: new URLSearchParams({ phone: number }),
      headers: csrfHeaders(),
    });
    if (r.status === 400) throw new PhoneProblem(((await r.json()) as { message: string }).message);
    if (!r.ok) throw new SoftphoneError('unreachable', `credentials HTTP ${r.status}`);
    return (await r.json()) as CitizenPhoneSettings;
  };

  const connect = async () => {
    setProblem(null);
    setLine('connecting');
    try {
      const first = await credentials();
      const { Softphone } = await import('../telephony/softphone.client');
      const phone = new Softphone(
        {
          wsUrl: first.wsUrl,
          domain: first.domain,
          sipUser: first.sipUser,
          queueAor: null,
          media: { remoteAudio: audioRef.current! },
          getCredentials: async () => (await credentials()).credentials,
        },
        {
          onStatus: (s) => setLine((l) => lineAfterStatus(l, s)),
          onIncoming: (call) => {
            setIncoming(call);
            setLine('ringing');
          },
          onRinging: () => setLine('calling'),
          onEstablished: () => {
            setIncoming(null);
            setLine('talking');
          },
          onEnded: () => {
            setIncoming(null);
            setLine('ended');
          },
          onReferred: (_call, target) => setTransferredTo(target),
        },
      );
      phoneRef.current = phone;
      await phone.start();
    } catch (err) {
      setProblem(phoneProblem(err));
      setLine('unreachable');
    }
  };

  const run = (fn: () => Promise<unknown> | unknown) => async () => {
    setProblem(null);
    try {
      await fn();
    } catch (err) {
      setProblem(phoneProblem(err));
    }
  };
  const phone = phoneRef.current;
  const btn = 'rounded px-4 py-2 text-white disabled:opacity-40';

  return (
    <div className="mx-auto max-w-sm space-y-4 rounded-xl border bg-white p-6 shadow" data-testid="citizen-phone">
      <h1 className="text-lg font-semibold">{t('市民电话（演示）')}</h1>
      <p className="text-xs text-slate-500">{t('仅用于演示和测试：在浏览器里拨打 12345 热线。')}</p>
      <label className="block">
        <span className="text-slate-600">{t('本机号码')}</span>
        <input
          value={number}
          onChange={(e) => setNumber(e.target.value)}
          disabled={line !== 'idle'}
          className="mt-1 w-full rounded border px-2 py-1 font-mono"
          name="phone"
          data-testid="citizen-number"
        />
      </label>
      <p role="status" className="font-medium" data-testid="citizen-line">
        {t(LINE_LABELS[line])}
      </p>
      {incoming ? <p data-testid="citizen-incoming">{t('来电：{{from}}', { from: incoming.from })}</p> : null}
      {transferredTo ? <p data-testid="citizen-transferred">{t('已转接至 {{n}}', { n: transferredTo })}</p> : null}
      {problem ? (
        <p role="alert" className="text-red-700">
          {t(problem)}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {line === 'idle' || line === 'unreachable' ? (
          <button
            className={`${btn} bg-slate-700`}
            onClick={connect}
            disabled={!hydrated}
            data-testid="citizen-connect"
          >
            {t('开机')}
          </button>
        ) : null}
        <button
          className={`${btn} bg-green-700`}
          disabled={!(line === 'registered' || line === 'ended') || !phone}
          onClick={run(async () => {
            setLine('calling');
            // A refused dial (no connection) puts the line back as it was.
            await phone!.dial('12345').catch((err: Error) => {
              setLine(phone!.status === 'registered' ? 'registered' : 'unreachable');
              throw err;
            });
          })}
          data-testid="citizen-dial"
        >
          {t('拨打 12345')}
        </button>
        {line === 'ringing' ? (
          <button className={`${btn} bg-green-700`} onClick={run(() => phone!.answer())} data-testid="citizen-answer">
            {t('接听')}
          </button>
        ) : null}
        <button
          className={`${btn} bg-red-700`}
          disabled={!(line === 'calling' || line === 'talking' || line === 'ringing')}
          onClick={run(() => phone!.hangup())}
          data-testid="citizen-hang-up"
        >
          {t('挂断')}
        </button>
      </div>
      <audio ref={audioRef} autoPlay />
    </div>
  );
}
