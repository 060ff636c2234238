import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { CityEventRoute } from '../../entities/city-event';
import { ApiRefusal, authenticateApiKey, recordApiCall, type ApiPrincipal } from '../api-clients/authenticate.server';
import { openSigningSecret } from '../api-clients/credentials.server';
import { fileClientAppeal } from '../api-clients/filing.server';
import type { AppealServices } from '../appeals/service.server';
import { applyEvent } from '../appeals/service.server';
import { SYSTEM_ACTOR } from '../cases/actor';
import { inTransaction, one, run } from '../db/sql.server';
import { matchCatalogue } from '../dispatch/catalogue.server';
import { DomainError, InvalidInput, fieldErrorsOf } from '../domain/errors';
import { gridForPoint } from '../grids/grids.server';
import { checkSignature, SIGNATURE_WINDOW_SECONDS } from './signature';

// POST /api/v1/events: an event from another city system becomes one appeal. The key says who calls, the signature
// that the body is theirs and fresh; the (client, eventId) row, claimed in the transaction that files the appeal,
// makes repeats answer with the first appeal. When the 派单目录 decides the category in that place, the system
// dispatches in the same transaction; otherwise the appeal waits in triage for the dispatcher.

const httpUrl = z
  .url({ protocol: /^https?$/, message: 'media url must be an http(s) URL' })
  .max(1000, 'media url is at most 1000 characters');

/** The body of an inbound event (the OpenAPI document describes it from this schema). */
export const cityEventBody = z
  .object({
    eventId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'eventId: 1–100 letters, digits or . _ : -'),
    scene: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, 'scene: a lower-case code of at most 40 characters, e.g. road-order'),
    type: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,40}$/, 'type: the event type code, at most 40 letters, digits or . _ -'),
    title: z.string().trim().min(2, 'title: at least 2 characters').max(200).optional(),
    description: z.string().trim().min(5, 'description: at least 5 characters').max(8000),
    occurredAt: z.iso.datetime({ offset: true, message: 'occurredAt: an ISO 8601 date-time with its offset' }),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    address: z.string().trim().min(2).max(255).optional(),
    media: z
      .array(z.object({ url: httpUrl, kind: z.enum(['photo', 'video']) }).strict())
      .max(20)
      .default([]),
    /** The device or camera that saw it; nothing about a person. */
    reporter: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .refine((e) => (e.lat === undefined) === (e.lng === undefined), {
    message: 'lat and lng come together',
    path: ['lng'],
  })
  .refine((e) => e.lat !== undefined || e.address !== undefined, {
    message: 'an event needs lat/lng or an address',
    path: ['address'],
  });
export type CityEventBody = z.output<typeof cityEventBody>;

/** The answer to a filed event (201 the first time, 200 for a repeat). */
export const cityEventAnswer = z.object({
  eventId: z.string(),
  appealNumber: z.string(),
  routed: z.enum(['catalogue', 'triage']),
  departmentName: z.string().optional(),
});
export type CityEventAnswer = z.infer<typeof cityEventAnswer>;

export const cityEventError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.array(z.string())).optional(),
  }),
});

/** A refusal of an event with the status and code the client is told. */
export class EventRefusal extends DomainError {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message, status);
  }
}

const SIGNATURE_REFUSALS = {
  missing: ['signature_required', 'X-Timestamp and X-Signature are required'],
  malformed: ['signature_malformed', 'X-Signature must be sha256=<64 hex digits>, X-Timestamp unix seconds'],
  stale: ['timestamp_out_of_window', `X-Timestamp must be within ${SIGNATURE_WINDOW_SECONDS} seconds of now`],
  mismatch: ['signature_invalid', 'the signature does not match the body'],
} as const;

/** The same event said again in other words: what the hash of a repeat is compared on. */
function bodyHash(e: CityEventBody): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(e)), 'utf8')
    .digest('hex');
}

export interface FiledEvent {
  status: 200 | 201;
  answer: CityEventAnswer;
}

/** Files one signed, parsed event for the client: one transaction with the signature, the claim, appeal and dispatch. */
export async function fileCityEvent(
  services: AppealServices,
  client: Pick<ApiPrincipal, 'id'>,
  signed: { signature: string; event: CityEventBody },
  now = new Date(),
): Promise<FiledEvent> {
  const e = signed.event;
  const hash = bodyHash(e);
  return inTransaction(services.db.em(), async (tx) => {
    await run(tx, 'delete from city_event_signature where expires_at < ?', [now]);
    const fresh = await one(
      tx,
      `insert into city_event_signature (signature, client_id, expires_at) values (?, ?, ?)
       on conflict (signature) do nothing returning signature`,
      [signed.signature, client.id, new Date(now.getTime() + 2 * SIGNATURE_WINDOW_SECONDS * 1000)],
    );
    if (!fresh) throw new EventRefusal(401, 'signature_replayed', 'this signature has been used already; sign again');
    // Concurrent copies wait here on the unique index until the first commits, then find its row.
    const claimed = await one<{ id: number }>(
      tx,
      `insert into city_event (client_id, event_id, body_hash, scene, type_code, routed, media, reporter,
                               occurred_at, received_at)
       values (?, ?, ?, ?, ?, 'triage', ?::jsonb, ?, ?, ?)
       on conflict (client_id, event_id) do nothing returning id`,
      [
        client.id,
        e.eventId,
        hash,
        e.scene,
        e.type,
        JSON.stringify(e.media),
        e.reporter ?? null,
        new Date(e.occurredAt),
        now,
      ],
    );
    if (!claimed) return { status: 200, answer: await repeatOf(tx, client.id, e.eventId, hash) };

    const type = await one<{ category_id: number; name: string }>(
      tx,
      `select t.category_id, t.name from city_event_type t join category c on c.id = t.category_id
        where t.client_id = ? and t.scene = ? and t.code = ? and t.active and c.active`,
      [client.id, e.scene, e.type],
    );
    if (!type)
      throw new EventRefusal(
        422,
        'unknown_type',
        `no active event type ${e.scene}/${e.type} is mapped for this client`,
        {
          type: ['unknown event type for this scene'],
        },
      );
    const grid =
      e.lat !== undefined && e.lng !== undefined ? await gridForPoint(tx, { lat: e.lat, lng: e.lng! }) : null;
    if (e.lat !== undefined && !grid)
      throw new EventRefusal(422, 'outside_city', 'the position is outside every grid of the city', {
        lat: ['outside the city'],
        lng: ['outside the city'],
      });

    const appeal = await fileClientAppeal(
      tx,
      services,
      client,
      {
        type: 'report',
        categoryId: type.category_id,
        title: e.title ?? type.name,
        content: e.description,
        address: e.address,
        gridId: grid?.id,
        lat: e.lat,
        lng: e.lng,
      },
      now,
    );
    const match = await matchCatalogue(tx, { categoryId: type.category_id, gridId: grid?.id ?? null }, now);
    if (match)
      await applyEvent(
        { ...services, now: () => now },
        {
          appealId: appeal.id,
          type: 'DISPATCH',
          actor: SYSTEM_ACTOR,
          payload: { departmentId: match.lead.id, assistingDepartmentIds: match.assisting.map((d) => d.id) },
        },
        { tx },
      );
    const routed: CityEventRoute = match ? 'catalogue' : 'triage';
    await run(tx, 'update city_event set appeal_id = ?, routed = ?, department_id = ? where id = ?', [
      appeal.id,
      routed,
      match?.lead.id ?? null,
      claimed.id,
    ]);
    return {
      status: 201,
      answer: {
        eventId: e.eventId,
        appealNumber: appeal.number,
        routed,
        ...(match ? { departmentName: match.lead.name } : {}),
      },
    };
  });
}

async function repeatOf(tx: EntityManager, clientId: number, eventId: string, hash: string): Promise<CityEventAnswer> {
  const prior = (await one<{ body_hash: string; routed: CityEventRoute; number: string; department: string | null }>(
    tx,
    `select e.body_hash, e.routed, a.number, d.name as department
       from city_event e join appeal a on a.id = e.appeal_id left join department d on d.id = e.department_id
      where e.client_id = ? and e.event_id = ?`,
    [clientId, eventId],
  ))!;
  if (prior.body_hash !== hash)
    throw new EventRefusal(409, 'event_conflict', `event ${eventId} was sent before with a different body`);
  return {
    eventId,
    appealNumber: prior.number,
    routed: prior.routed,
    ...(prior.department ? { departmentName: prior.department } : {}),
  };
}

export interface EventCall {
  apiKey: string | null;
  timestamp: string | null;
  signature: string | null;
  ip: string | null;
  /** Reads the body (raw bytes and checked JSON); called once the key is known. */
  read: () => Promise<{ raw: Uint8Array; body: unknown }>;
}

export interface EventCallAnswer {
  status: number;
  body: CityEventAnswer | z.infer<typeof cityEventError>;
  headers?: Record<string, string>;
}

/** One call of the events interface from key to answer, written to the call log whatever it ends with. */
export async function answerEventCall(
  services: AppealServices,
  call: EventCall,
  now = new Date(),
): Promise<EventCallAnswer> {
  const em = services.db.em();
  let clientId: number | null = null;
  let answer: EventCallAnswer;
  let outcome: string;
  try {
    const principal = await authenticateApiKey(
      em,
      { apiKey: call.apiKey, operation: 'events:write', ip: call.ip },
      now,
    );
    clientId = principal.id;
    const { raw, body } = await call.read();
    const checked = checkSignature(
      openSigningSecret(principal.signingSecretSealed),
      { timestamp: call.timestamp, signature: call.signature },
      raw,
      now,
    );
    if (!checked.ok) {
      const [code, message] = SIGNATURE_REFUSALS[checked.problem];
      throw new EventRefusal(401, code, message);
    }
    const parsed = cityEventBody.safeParse(body);
    if (!parsed.success)
      throw new EventRefusal(400, 'invalid', 'the event is not valid', fieldErrorsOf(parsed.error.issues));
    const filed = await fileCityEvent(services, principal, { signature: checked.hex, event: parsed.data }, now);
    answer = { status: filed.status, body: filed.answer };
    outcome = filed.status === 201 ? 'ok' : 'repeat';
  } catch (err) {
    if (err instanceof ApiRefusal) clientId = err.clientId;
    const refused = refusalOf(err);
    if (!refused) {
      await recordApiCall(em, {
        clientId,
        operation: 'events:write',
        status: 500,
        outcome: 'error',
        ip: call.ip,
        startedAt: now,
      });
      throw err;
    }
    ({ answer, outcome } = refused);
  }
  await recordApiCall(em, {
    clientId,
    operation: 'events:write',
    status: answer.status,
    outcome,
    ip: call.ip,
    startedAt: now,
  });
  return answer;
}

function refusalOf(err: unknown): { answer: EventCallAnswer; outcome: string } | null {
  const refuse = (status: number, code: string, message: string, fields?: Record<string, string[]>) => ({
    status,
    body: { error: { code, message, ...(fields ? { fields } : {}) } },
  });
  if (err instanceof ApiRefusal)
    return {
      answer: {
        ...refuse(err.status, err.reason.replace(/-/g, '_'), err.message),
        ...(err.retryAfterSeconds ? { headers: { 'Retry-After': String(err.retryAfterSeconds) } } : {}),
      },
      outcome: err.reason,
    };
  if (err instanceof EventRefusal)
    return { answer: refuse(err.status, err.code, err.message, err.fields), outcome: err.code.replace(/_/g, '-') };
  // The body reader's refusals: not JSON, not UTF-8, control characters.
  if (err instanceof InvalidInput)
    return { answer: refuse(400, 'invalid', err.message, err.fieldErrors), outcome: 'invalid' };
  if (err instanceof DomainError) return { answer: refuse(err.status, 'refused', err.message), outcome: 'refused' };
  return null;
}
