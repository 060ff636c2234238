import type { EntityManager } from '@mikro-orm/sql';
import type { z } from 'zod';
import type { Actor, Role } from '../../machines/actor';
import { getWorkCalendar } from '../calendar/calendar.server';
import type { WorkCalendar } from '../calendar/working-time';
import { all, inTransaction, run, textArray } from '../db/sql.server';
import { isUniqueViolation } from '../db/unique-violation.server';
import { Conflict, Forbidden, InvalidInput, NotFound, fieldErrorsOf, type DomainError } from '../domain/errors';
import { appendAuditParams, appendAuditSql, auditHash, hashedRow, type AuditRow, type AuditTrail } from './audit-chain';

// The one way any case changes (decision 006): load the row, restore its snapshot, check event,
// role, scope and version, parse the payload, let the pure machine decide, then write snapshot,
// state columns, audit row and side writes as ONE statement guarded by the case's version, with
// timers and other kinds' writes in the same transaction. A kind is a definition: its table and
// trail, its machine, its scope rule, its mirrored columns and its side writes.

/** The columns every kind's row carries for the kernel. */
export interface CaseRow {
  id: number;
  version: number;
  snapshot: unknown;
  auditSeq: number;
  auditHead: string;
}

/** What the kernel reads from a machine snapshot (an xstate snapshot has it). */
export interface CaseSnapshot {
  tags: Set<string>;
}

/** All the kernel needs of the database: a fresh EntityManager for a unit of work. */
export interface DatabaseHandle {
  em(): EntityManager;
}

export interface CaseServices {
  db: DatabaseHandle;
  /** Injected so tests can pin time; production uses the wall clock. */
  now?: () => Date;
}

export interface CaseCommand {
  caseId: number;
  /** The version the user was looking at; omitted only by automatic steps that re-read first. */
  expectedVersion?: number;
  type: string;
  payload?: unknown;
  actor: Actor;
}

/**
 * A write that happens only with the case's guarded update, as a part of the same statement: its
 * SQL refers to the `changed` row, so a refused update writes nothing else either.
 */
export interface SideWrite {
  sql: string;
  params: unknown[];
}

/** A write on the step's transaction (timers, another kind's rows). */
export type TxWrite<T = unknown> = (tx: EntityManager) => Promise<T>;

/** Before the machine decides: the case, its snapshot and the request. */
export interface StepInput<R, S, X extends CaseServices = CaseServices> {
  services: X;
  em: EntityManager;
  row: R;
  before: S;
  type: string;
  /** The request's payload without server-computed fields; a kind may consume request-only fields. */
  input: Record<string, unknown>;
  actor: Actor;
  now: Date;
  cal: WorkCalendar;
}

/** An accepted step: what the machine made of the event. */
export interface Step<R, S, X extends CaseServices = CaseServices> extends StepInput<R, S, X> {
  next: S;
  payload: Record<string, unknown>;
}

/** A column written only when the step gives it a value (e.g. when an appeal was first submitted). */
export class KeepUnlessSet {
  constructor(readonly value: unknown) {}
}

export interface CaseEvents {
  types: readonly string[];
  roles: Readonly<Record<string, readonly Role[]>>;
  schemas: Readonly<Record<string, z.ZodType>>;
}

export interface CaseKind<R extends CaseRow, S extends CaseSnapshot, X extends CaseServices = CaseServices> {
  trail: AuditTrail;
  /** The refusal when someone else changed the case first. */
  staleMessage: string;
  notFoundMessage: string;
  load(em: EntityManager, id: number): Promise<R | null>;
  restore(row: R): S;
  /** The events this case takes (a referral's kind decides them). */
  events(row: R): CaseEvents;
  canSee(actor: Actor, row: R, snapshot: S): boolean;
  /** What an actor outside the case's scope is told: that it does not exist, or that it is not his. */
  hidden(): DomainError;
  /** Payload fields the server computes: a request that sends them is overridden, never trusted. */
  serverFields: readonly string[];
  /** The server-computed fields of this event (deadlines); may read the database (a new category's limits). */
  compute?(s: StepInput<R, S, X>): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Checks that what the payload names exists. */
  validate?(s: StepInput<R, S, X>, payload: Record<string, unknown>): Promise<void>;
  apply(
    snapshot: S,
    event: Record<string, unknown> & { type: string; actor: Actor; at: string },
    row: R,
  ): { accepted: boolean; next: S };
  /** Why a refused event is not this actor's to send (403), or null when it is just not now (409). */
  notYours(step: Omit<Step<R, S, X>, 'next'>): string | null;
  /** The snapshot as stored, with the version of the machine that made it. */
  persist(snapshot: S, row: Partial<R>): { snapshot: unknown; machineVersion: number };
  phaseOf(snapshot: S): string;
  /** Audit columns of the kind's own (an appeal's SLA). */
  auditExtra?(before: S | null, next: S): Record<string, unknown>;
  /** The state columns mirrored from the snapshot for queues and lists; `step` is absent when the case opens. */
  mirror(next: S, step?: Step<R, S, X>): Record<string, unknown>;
  sideWrites?(step: Step<R, S, X>): SideWrite[];
  /** Durable timers the step starts, scheduled in its transaction. */
  timers?(step: Step<R, S, X>): TxWrite | null;
}

/** Another kind's part in a step, given by the module above both (e.g. the case a REFER opens). */
export interface StepLink<R, S, T = unknown, X extends CaseServices = CaseServices> {
  /** Event fields that only the other kind knows, added before the payload is parsed. */
  fields?(em: EntityManager, input: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Writes that must commit with the step, if this step has any. */
  writes?(step: Step<R, S, X>): TxWrite<T> | null;
}

export interface StepResult<S, T = unknown> {
  id: number;
  version: number;
  phase: string;
  seq: number;
  next: S;
  /** What the link's writes returned, null when there were none. */
  linked: T | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request's payload as a fresh object; server-computed fields are dropped unless the system itself sends them. */
function untrustedInput(serverFields: readonly string[], cmd: CaseCommand): Record<string, unknown> {
  if (cmd.payload === undefined || cmd.payload === null) return {};
  if (!isObject(cmd.payload)) throw new InvalidInput('请求内容必须是对象', { _form: ['payload must be an object'] });
  const copy = { ...cmd.payload };
  // A step of another kind answers a case from inside its own transaction, naming what it computed.
  if (cmd.actor.role !== 'system') for (const f of serverFields) delete copy[f];
  return copy;
}

/** The guarded transition every kind goes through; any refusal or failure leaves the database as it was. */
export async function transition<R extends CaseRow, S extends CaseSnapshot, X extends CaseServices, T = unknown>(
  kind: CaseKind<R, S, X>,
  services: X,
  cmd: CaseCommand,
  opts: { tx?: EntityManager; link?: StepLink<R, S, T, X> } = {},
): Promise<StepResult<S, T>> {
  const stale = () => new Conflict(kind.staleMessage, 'stale');
  const now = services.now?.() ?? new Date();
  const em = opts.tx ?? services.db.em();
  const row = await kind.load(em, cmd.caseId);
  if (!row) throw new NotFound(kind.notFoundMessage);
  const before = kind.restore(row);
  if (!kind.canSee(cmd.actor, row, before)) throw kind.hidden();
  const { types, roles, schemas } = kind.events(row);
  const type = cmd.type;
  if (!types.includes(type)) throw new InvalidInput(`未知的操作 ${type}`, { type: ['unknown event type'] });
  if (!roles[type]?.includes(cmd.actor.role)) throw new Forbidden();
  if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== row.version) throw stale();

  const input = untrustedInput(kind.serverFields, cmd);
  const cal = await getWorkCalendar(em);
  const stepInput: StepInput<R, S, X> = { services, em, row, before, type, input, actor: cmd.actor, now, cal };
  const computed = (await kind.compute?.(stepInput)) ?? {}; // may consume request-only fields
  if (opts.link?.fields) Object.assign(computed, await opts.link.fields(em, input));
  const parsed = schemas[type].safeParse({ ...input, ...computed });
  if (!parsed.success) throw new InvalidInput('输入有误', fieldErrorsOf(parsed.error.issues));
  const payload = parsed.data as Record<string, unknown>;
  await kind.validate?.(stepInput, payload);

  const { accepted, next } = kind.apply(before, { ...payload, type, actor: cmd.actor, at: now.toISOString() }, row);
  if (!accepted) {
    const notYours = kind.notYours({ ...stepInput, payload });
    if (notYours) throw new Forbidden(notYours);
    throw new Conflict('当前状态不允许此操作', 'notNow');
  }

  const step: Step<R, S, X> = { ...stepInput, next, payload };
  const audit: AuditRow = {
    seq: row.auditSeq + 1,
    type,
    actorId: cmd.actor.userId || null,
    actorRole: cmd.actor.role,
    at: now,
    fromPhase: kind.phaseOf(before),
    toPhase: kind.phaseOf(next),
    ...kind.auditExtra?.(before, next),
    payload,
  };
  const hash = auditHash(row.auditHead, hashedRow(kind.trail, row.id, audit));
  const columns = { ...stateColumns(kind, next, row), ...kind.mirror(next, step) };
  const side = kind.sideWrites?.(step) ?? [];
  const timers = kind.timers?.(step) ?? null;
  const linked = opts.link?.writes?.(step) ?? null;
  const write = async (t: EntityManager): Promise<T | null> => {
    if (!(await saveStep(t, kind.trail, row, columns, audit, hash, side, now))) throw stale();
    await timers?.(t);
    return linked ? linked(t) : null;
  };

  try {
    // The case, its audit row and its side writes are one statement; timers and another kind's rows
    // are further statements, so only a step that has them needs a transaction around them.
    const out = opts.tx || (!timers && !linked) ? await write(em) : await inTransaction(em, write);
    return { id: row.id, version: row.version + 1, phase: audit.toPhase, seq: audit.seq, next, linked: out };
  } catch (err) {
    // A concurrent writer that slipped past the version check still collides on the audit sequence.
    if (isUniqueViolation(err, `${kind.trail.table}_${kind.trail.key}_seq_unique`)) throw stale();
    throw err;
  }
}

/** The columns the kernel writes for every kind: the snapshot, its machine version, phase and tags. */
function stateColumns<R extends CaseRow, S extends CaseSnapshot, X extends CaseServices>(
  kind: CaseKind<R, S, X>,
  snapshot: S,
  row: Partial<R>,
) {
  const persisted = kind.persist(snapshot, row);
  return {
    snapshot: JSON.stringify(persisted.snapshot),
    machine_version: persisted.machineVersion,
    phase: kind.phaseOf(snapshot),
    tags: new TextArray([...snapshot.tags].sort()),
  };
}

class TextArray {
  constructor(readonly values: string[]) {}
}

/** A column's placeholder and parameter: text[] travels as a literal, a kept column falls back to its value. */
function bind(name: string, value: unknown): { name: string; placeholder: string; set: string; param: unknown } {
  if (value instanceof KeepUnlessSet) {
    return { name, placeholder: '?', set: `${name} = coalesce(?, ${name})`, param: value.value };
  }
  if (value instanceof TextArray) {
    return { name, placeholder: '?::text[]', set: `${name} = ?::text[]`, param: textArray(value.values) };
  }
  return { name, placeholder: '?', set: `${name} = ?`, param: value };
}

/** The new state, its audit row and its side writes, only if nobody changed the case since the row was read. */
async function saveStep(
  em: EntityManager,
  trail: AuditTrail,
  row: CaseRow,
  columns: Record<string, unknown>,
  audit: AuditRow,
  hash: string,
  side: SideWrite[],
  now: Date,
): Promise<boolean> {
  const sets = Object.entries(columns).map(([name, value]) => bind(name, value));
  const rows = await all(
    em,
    `with changed as (
       update ${trail.caseTable}
          set ${sets.map((s) => s.set).join(', ')}, audit_seq = ?, audit_head = ?, version = version + 1, updated_at = ?
        where id = ? and version = ? returning id)${side.map((w, i) => `, side${i} as (${w.sql})`).join('')}
     ${appendAuditSql(trail, 'changed', ' returning seq')}`,
    [
      ...sets.map((s) => s.param),
      audit.seq,
      hash,
      now,
      row.id,
      row.version,
      ...side.flatMap((w) => w.params),
      ...appendAuditParams(trail, audit, row.auditHead, hash),
    ],
  );
  return rows.length === 1;
}

export interface NewCase<R, S> {
  id: number;
  /** What the kind's `persist` needs to know of the row (a referral's kind). */
  row: Partial<R>;
  /** The kind's own columns (number, links, what was recorded at intake). */
  columns: Record<string, unknown>;
  snapshot: S;
  /** The first audit row: the event that opened the case. */
  type: string;
  payload: Record<string, unknown>;
  actor: Actor;
  at: Date;
}

/** Inserts a new case together with the first row of its audit chain, in one statement. */
export async function openCase<R extends CaseRow, S extends CaseSnapshot, X extends CaseServices>(
  em: EntityManager,
  kind: CaseKind<R, S, X>,
  c: NewCase<R, S>,
): Promise<void> {
  const audit: AuditRow = {
    seq: 1,
    type: c.type,
    actorId: c.actor.userId || null,
    actorRole: c.actor.role,
    at: c.at,
    fromPhase: null,
    toPhase: kind.phaseOf(c.snapshot),
    ...kind.auditExtra?.(null, c.snapshot),
    payload: c.payload,
  };
  const hash = auditHash('', hashedRow(kind.trail, c.id, audit));
  const columns = { id: c.id, ...c.columns, ...stateColumns(kind, c.snapshot, c.row), ...kind.mirror(c.snapshot) };
  const values = Object.entries(columns).map(([name, value]) => bind(name, value));
  await run(
    em,
    `with created as (
       insert into ${kind.trail.caseTable}
              (${values.map((v) => v.name).join(', ')}, version, audit_seq, audit_head, created_at, updated_at)
       values (${values.map((v) => v.placeholder).join(', ')}, 1, 1, ?, ?, ?) returning id)
     ${appendAuditSql(kind.trail, 'created')}`,
    [...values.map((v) => v.param), hash, c.at, c.at, ...appendAuditParams(kind.trail, audit, '', hash)],
  );
}
