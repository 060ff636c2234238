import type { AppLoadContext } from '@remix-run/node';
import { signEvent } from '../../app/city-events/signature';
import { action } from '../../app/routes/api.v1.events';
import type { TestServices } from './services';

// Inbound events as a city system sends them: the body as bytes, signed with the client's secret over
// "<timestamp>.<body>", the key and signature in the headers.

export interface SignedOptions {
  /** Unix seconds; now by default. */
  timestamp?: number;
  /** Sign with this secret instead (a wrong one). */
  secret?: string;
  /** Send this signature header as it is. */
  signature?: string | null;
  /** Send these bytes instead of the JSON of the body (other spacing, same event). */
  raw?: string;
}

export function signedEventRequest(
  client: { apiKey: string; signingSecret: string },
  body: unknown,
  opts: SignedOptions = {},
  base = 'http://localhost',
): Request {
  const raw = opts.raw ?? JSON.stringify(body);
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const signature =
    opts.signature === undefined
      ? `sha256=${signEvent(opts.secret ?? client.signingSecret, timestamp, raw)}`
      : opts.signature;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Api-Key': client.apiKey,
    'X-Timestamp': timestamp,
  };
  if (signature !== null) headers['X-Signature'] = signature;
  return new Request(`${base}/api/v1/events`, { method: 'POST', headers, body: raw });
}

/** Either answer's fields, for reading in tests: a success has no `error`, a refusal only `error`. */
export interface EventAnswerBody {
  eventId: string;
  appealNumber: string;
  routed: 'catalogue' | 'triage';
  departmentName?: string;
  error: { code: string; message: string; fields: Record<string, string[]> };
}

/** Sends a request to the events route's action as the server would, and reads its JSON answer. */
export async function postEvent(t: TestServices, request: Request): Promise<{ status: number; body: EventAnswerBody }> {
  const context = { runtime: { db: t.db, services: t.services } } as unknown as AppLoadContext;
  const res = await action({ request, context, params: {} });
  return { status: res.status, body: (await res.json()) as EventAnswerBody };
}
