import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { callbackPhaseOf, createCallbackSnapshot, persistCallbackSnapshot } from '../../machines/beneficiary-callback';
import { getWorkCalendar } from '../calendar/calendar.server';
import { addTimeLimit } from '../calendar/working-time';
import { canonicalJson, hashedRow } from '../cases/audit-chain';
import { inTransaction, one, textArray } from '../db/sql.server';
import { isUniqueViolation } from '../db/unique-violation.server';
import { Conflict, Forbidden, InvalidInput, NotFound, fieldErrorsOf } from '../domain/errors';
import { transactionTimers, type Timers } from '../jobs/timers.server';
import { CALLBACK_TRAIL } from './audit.server';

// A period's callback sample (抽样回访): stratified by policy and lead department, each stratum's share with a least
// number, chosen by a seeded hash so the same seed over the same records draws the same sample. The whole draw is
// one INSERT … SELECT: the choice, every callback's row, its first audit row (hashed in SQL over the canonical row
// the kernel would hash) and then the draw's one due-time timer, in one transaction.

export const DRAW_DEFAULTS = { share: 0.05, minimum: 3, maxAttempts: 3, dueWorkingDays: 5 } as const;

export const drawInputSchema = z
  .object({
    periodId: z.number().int().positive(),
    /** The share of each stratum's records drawn, 0.05 for 5 %. */
    share: z.number().gt(0).max(1),
    /** The least drawn of each stratum (all of it when it has fewer). */
    minimum: z.number().int().min(0).max(1000),
    seed: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[\w.-]+$/, '种子只能包含字母、数字、下划线、点和短横线'),
    maxAttempts: z.number().int().min(1).max(10).default(DRAW_DEFAULTS.maxAttempts),
    dueWorkingDays: z.number().int().min(1).max(30).default(DRAW_DEFAULTS.dueWorkingDays),
  })
  .strict();
export type DrawInput = z.input<typeof drawInputSchema>;

/** The draw form as typed: the share in percent. */
export const drawFormSchema = z
  .object({
    periodId: z.coerce.number().int().positive(),
    sharePercent: z.coerce.number().gt(0, '比例须大于 0').max(100, '比例不能超过 100 %'),
    minimum: z.coerce.number().int().min(0).max(1000),
    seed: z.string(),
    maxAttempts: z.coerce.number().int().min(1).max(10),
    dueWorkingDays: z.coerce.number().int().min(1).max(30),
  })
  .transform(({ sharePercent, ...rest }) => ({ ...rest, share: sharePercent / 100 }));

export interface DrawResult {
  sampleId: number;
  drawn: number;
  records: number;
  dueAt: Date;
}

const DRAWERS = new Set(['supervisor', 'admin']);

/**
 * Draws a period's sample. One draw per period: a second is refused (409), so a sample is always what its seed
 * reproduces over the period's records; records reported after the draw are not called back.
 * Without `timers` (a script on a database without the app running) the draw's timer is put on the job queue
 * through the draw's own transaction.
 */
export async function drawSample(
  em: EntityManager,
  actor: Actor,
  raw: DrawInput,
  opts: { timers?: Timers; now?: Date } = {},
): Promise<DrawResult> {
  if (!DRAWERS.has(actor.role)) throw new Forbidden();
  const parsed = drawInputSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('输入有误', fieldErrorsOf(parsed.error.issues));
  const input = parsed.data;
  const now = opts.now ?? new Date();
  try {
    return await inTransaction(em, async (tx) => {
      const period = await one<{ id: number; records: number; drawn: boolean }>(
        tx,
        `select id, (select count(*)::int from policy_record where period_id = p.id) as records,
                exists (select 1 from callback_sample where period_id = p.id) as drawn
           from policy_period p where id = ?`,
        [input.periodId],
      );
      if (!period) throw new NotFound('报送期不存在');
      if (period.drawn) throw new Conflict('该报送期已抽样，不能重复抽取', 'duplicate');
      if (!period.records) throw new Conflict('该报送期尚无落实记录，无法抽样', 'notNow');
      const dueAt = addTimeLimit(await getWorkCalendar(tx), now, {
        amount: input.dueWorkingDays,
        unit: 'workingDays',
      });
      const sample = (await one<{ id: number }>(
        tx,
        `insert into callback_sample (period_id, seed, share, minimum, drawn_count, drawn_by_id, drawn_at)
         values (?, ?, ?, ?, 0, ?, ?) returning id`,
        [input.periodId, input.seed, input.share, input.minimum, actor.userId, now],
      ))!;
      const drawn = await insertCallbacks(tx, actor, { ...input, sampleId: sample.id, dueAt, now });
      await one(tx, 'update callback_sample set drawn_count = ? where id = ? returning id', [drawn, sample.id]);
      const job = { job: { sampleId: sample.id, event: 'OVERDUE' as const, deadline: dueAt.toISOString() }, at: dueAt };
      if (opts.timers) await opts.timers.scheduleCallback(tx, [job]);
      else {
        const own = await transactionTimers(tx);
        try {
          await own.timers.scheduleCallback(tx, [job]);
        } finally {
          await own.stop();
        }
      }
      return { sampleId: sample.id, drawn, records: period.records, dueAt };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'callback_sample_period_id_unique'))
      throw new Conflict('该报送期已抽样，不能重复抽取', 'duplicate');
    throw err;
  }
}

/** Placeholders in the templates below, replaced per row in SQL. */
const RECORD = '@recordId';
const CALLBACK = '@callbackId';

async function insertCallbacks(
  tx: EntityManager,
  actor: Actor,
  d: z.output<typeof drawInputSchema> & { sampleId: number; dueAt: Date; now: Date },
): Promise<number> {
  // The machine's first snapshot, the same for every callback of the draw but for its record and department.
  const first = createCallbackSnapshot({
    recordId: 1,
    departmentId: 1,
    maxAttempts: d.maxAttempts,
    dueAt: d.dueAt.toISOString(),
  });
  const snapshot = persistCallbackSnapshot(first);
  const phase = callbackPhaseOf(first);
  const tags = textArray([...first.tags].sort());
  // The first audit row exactly as the kernel hashes one (canonical JSON, sha256 over '' and it): built once here
  // with placeholders, so SQL only substitutes the ids.
  const audit = {
    seq: 1,
    type: 'DRAW',
    actorId: actor.userId || null,
    actorRole: actor.role,
    at: d.now.toISOString(),
    fromPhase: null,
    toPhase: phase,
    payload: { sampleId: d.sampleId, recordId: RECORD },
  };
  const content = canonicalJson(hashedRow(CALLBACK_TRAIL, CALLBACK as never, audit as never));
  const row = await one<{ drawn: number }>(
    tx,
    `with strata as (
       select r.id as record_id, r.policy_id, p.lead_department_id as department_id, r.phone,
              row_number() over w as rank, count(*) over (partition by r.policy_id, p.lead_department_id) as size
         from policy_record r join policy p on p.id = r.policy_id
        where r.period_id = ?
       window w as (partition by r.policy_id, p.lead_department_id order by md5(? || ':' || r.id::text), r.id)
     ), picked as materialized (
       select s.*, nextval(pg_get_serial_sequence('beneficiary_callback', 'id'))::int as id
         from strata s
        where s.rank <= least(s.size, greatest(?::int, ceil(?::numeric * s.size)::int))
     ), hashed as materialized (
       select picked.*,
              encode(sha256(convert_to(replace(replace(?::text, '"${CALLBACK}"', id::text), '"${RECORD}"',
                record_id::text), 'UTF8')), 'hex') as hash
         from picked
     ), callbacks as (
       insert into beneficiary_callback (id, created_at, updated_at, sample_id, period_id, policy_id, department_id,
              record_id, phone, phase, tags, attempts, due_at, drawn_at, machine_version, snapshot, version,
              audit_seq, audit_head)
       select id, ?, ?, ?, ?, policy_id, department_id, record_id, phone, ?, ?::text[], 0, ?, ?, ?,
              jsonb_set(jsonb_set(?::jsonb, '{context,recordId}', to_jsonb(record_id)), '{context,departmentId}',
                to_jsonb(department_id)),
              1, 1, hash
         from hashed
       returning id
     ), trail as (
       insert into beneficiary_callback_event (callback_id, seq, type, actor_id, actor_role, at, from_phase, to_phase,
              payload, prev_hash, hash)
       select h.id, 1, 'DRAW', ?, ?, ?, null, ?, jsonb_build_object('sampleId', ?::int, 'recordId', h.record_id), '',
              h.hash
         from hashed h join callbacks c on c.id = h.id
       returning 1
     )
     select count(*)::int as drawn from trail`,
    [
      d.periodId,
      d.seed,
      d.minimum,
      d.share,
      content,
      d.now,
      d.now,
      d.sampleId,
      d.periodId,
      phase,
      tags,
      d.dueAt,
      d.now,
      snapshot.machineVersion,
      JSON.stringify(snapshot),
      actor.userId || null,
      actor.role,
      d.now,
      phase,
      d.sampleId,
    ],
  );
  return row?.drawn ?? 0;
}
