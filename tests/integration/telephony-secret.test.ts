import type { AppLoadContext } from '@remix-run/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../app/auth/csrf';
import { csrfTokenOf } from '../../app/auth/csrf.server';
import { startSession } from '../../app/auth/session.server';
import { action as phoneCredentials } from '../../app/routes/phone.credentials';
import { loader as phonePage } from '../../app/routes/phone';
import { action as recordingUpload } from '../../app/routes/telephony.calls.$callId.recording';
import { action as agentEvents } from '../../app/routes/telephony.calls.events';
import { action as agentCredentials } from '../../app/routes/telephony.credentials';
import { loader as screenPop } from '../../app/routes/telephony.screenpop';
import { action as sipEvents } from '../../app/routes/telephony.sip-events';
import { DEV_SIP_SECRET, sipEventsToken } from '../../telephony/credentials';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';

process.env.SESSION_SECRET ??= 'telephony-secret-test-0123456789abcdef';

// The development secret is in the source: outside the demo it must sign nothing.
const FORGED = `Bearer ${sipEventsToken(DEV_SIP_SECRET)}`;
const ENV_KEYS = ['DEMO', 'SIP_SHARED_SECRET', 'HOTLINE_DEMO_PHONE'] as const;

type Handler = (args: { request: Request; context: AppLoadContext; params: Record<string, string> }) => unknown;

describe.each(DB_KINDS)('the SIP shared secret on %s', (kind) => {
  const t = useTestDatabase(kind);
  const saved: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
  beforeEach(() => {
    for (const k of ENV_KEYS) saved[k] = process.env[k];
  });
  afterEach(() => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  const production = (secret?: string) => {
    process.env.DEMO = '0';
    process.env.HOTLINE_DEMO_PHONE = '1';
    if (secret) process.env.SIP_SHARED_SECRET = secret;
    else delete process.env.SIP_SHARED_SECRET;
  };

  const context = () => ({ runtime: { db: t.db } }) as unknown as AppLoadContext;
  const operatorCookie = async () => (await startSession(t.em(), t.ids.users.get('operator')!.id)).split(';')[0];
  const call = async (handler: Handler, request: Request, params: Record<string, string> = {}) => {
    const out = await Promise.resolve()
      .then(() => handler({ request, context: context(), params }))
      .catch((e: unknown) => e);
    expect(out, request.url).toBeInstanceOf(Response);
    return out as Response;
  };
  const sipEvent = (callId: string, authorization: string) =>
    call(
      sipEvents,
      new Request('http://localhost/telephony/sip-events', {
        method: 'POST',
        headers: { Authorization: authorization, 'Content-Type': 'application/json' },
        body: JSON.stringify({ event: 'offered', callId, from: '13900009999', to: '12345' }),
      }),
    );
  const callRows = async (callId: string) =>
    (await t.sql<{ n: number }>('select count(*)::int as n from call where call_id = ?', [callId]))[0].n;
  const newCallId = () => `secret-${kind}-${Math.random().toString(36).slice(2)}@127.0.0.1`;

  it('switches every live telephony endpoint off outside the demo when no secret is set', async () => {
    production();
    const callId = newCallId();
    const cookie = await operatorCookie();
    // Signed in as an operator and carrying the forged token: still nothing.
    const headers = { Authorization: FORGED, Cookie: cookie };
    const json = (body: unknown) => ({
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const recording = new FormData();
    recording.set('file', new File([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3])], 'r.webm', { type: 'audio/webm' }));
    recording.set('sha256', '0'.repeat(64));
    const endpoints: [string, Handler, Request, Record<string, string>?][] = [
      [
        'sip events',
        sipEvents,
        new Request(
          'http://localhost/telephony/sip-events',
          json({ event: 'offered', callId, from: '13900009999', to: '12345' }),
        ),
      ],
      [
        'agent events',
        agentEvents,
        new Request(
          'http://localhost/telephony/calls/events',
          json({ callId, kind: 'ringing', direction: 'inbound', from: '13900009999', to: '12345' }),
        ),
      ],
      [
        'agent credentials',
        agentCredentials,
        new Request('http://localhost/telephony/credentials', { method: 'POST', headers }),
      ],
      ['screen pop', screenPop, new Request('http://localhost/telephony/screenpop?phone=13900009999', { headers })],
      [
        'recording upload',
        recordingUpload,
        new Request(`http://localhost/telephony/calls/${encodeURIComponent(callId)}/recording`, {
          method: 'POST',
          headers,
          body: recording,
        }),
        { callId },
      ],
      [
        'citizen phone credentials',
        phoneCredentials,
        new Request('http://localhost/phone/credentials', {
          method: 'POST',
          headers,
          body: new URLSearchParams({ phone: '13900009999' }),
        }),
      ],
      ['citizen phone page', phonePage, new Request('http://localhost/phone', { headers })],
    ];
    for (const [name, handler, request, params] of endpoints) {
      const res = await call(handler, request, params);
      expect(res.status, name).toBe(503);
      expect(await res.text(), name).toContain('SIP_SHARED_SECRET');
    }
    expect(await callRows(callId)).toBe(0);
  });

  it('takes the configured secret outside the demo, and never the development one', async () => {
    production(`prod-${Math.random().toString(36).slice(2)}`);
    const callId = newCallId();
    expect((await sipEvent(callId, FORGED)).status).toBe(401);
    expect(await callRows(callId)).toBe(0);
    const right = await sipEvent(callId, `Bearer ${sipEventsToken(process.env.SIP_SHARED_SECRET!)}`);
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ callId, recorded: true });
    expect(await callRows(callId)).toBe(1);

    const cookie = await operatorCookie();
    const token = (await csrfTokenOf(new Request('http://localhost/', { headers: { Cookie: cookie } })))!;
    const creds = await call(
      agentCredentials,
      new Request('http://localhost/telephony/credentials', {
        method: 'POST',
        headers: { Cookie: cookie, [CSRF_HEADER]: token },
      }),
    );
    expect(creds.status).toBe(200);
    expect(await creds.json()).toMatchObject({ enabled: true, sipUser: expect.any(String) });
  });

  it('keeps the development secret in the demo', async () => {
    delete process.env.DEMO;
    delete process.env.SIP_SHARED_SECRET;
    const callId = newCallId();
    const res = await sipEvent(callId, FORGED);
    expect(res.status).toBe(200);
    expect(await callRows(callId)).toBe(1);
  });
});
