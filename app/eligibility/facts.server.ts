import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { normaliseCode } from '../../machines/identifiers';
import { all, inTransaction, one, run } from '../db/sql.server';
import { can } from '../domain/permissions';
import { Forbidden, parseInput } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import { openIdNumber } from '../security/id-number.server';
import { recordSecurityEvent } from '../security/security-log.server';
import { firmFacts, personFacts } from './facts';
import { CREDIT_RATINGS, DEFAULT_MIN_CREDIT_RATING, isCreditRating, type CreditRating, type Facts } from './rules';

// The facts of a known citizen or firm, read from their records, and the city's credit threshold.

/**
 * The district a citizen was last seen in: the district above the grid of their latest appeal with a place.
 * The citizen record keeps no address district of its own; a household import would be the better source.
 */
const CITIZEN_DISTRICT = `(select d.code from appeal a join grid g on g.id = a.grid_id
        join department m on m.id = g.community_id
        join department d on d.kind = 'district' and m.path like d.path || '%'
       where a.citizen_id = z.id order by a.created_at desc limit 1)`;

/** The citizen under a phone, with what their facts are built from (bench/policy.ts sends the same text). */
export const CITIZEN_FACTS_SQL = `select z.id, z.name, z.id_number_sealed, ${CITIZEN_DISTRICT} as district from citizen z where z.phone = ?`;

export interface KnownPerson {
  citizenId: number;
  name: string | null;
  facts: Facts;
}

/** A citizen's facts on a local day, by the phone the record is kept under; null when the city has no record. */
export async function citizenFactsByPhone(em: EntityManager, phone: string, on: string): Promise<KnownPerson | null> {
  const r = await one<{ id: number; name: string | null; id_number_sealed: string | null; district: string | null }>(
    em,
    CITIZEN_FACTS_SQL,
    [phone.trim()],
  );
  if (!r) return null;
  return {
    citizenId: r.id,
    name: r.name,
    facts: personFacts({ idNumber: openIdNumber(r.id_number_sealed), district: r.district }, on),
  };
}

export interface KnownFirm {
  firmId: number;
  name: string;
  facts: Facts;
}

const FIRM_FACTS_SQL = `select f.id, f.name, f.credit_code, f.industry, f.size, f.founded_on::text as founded_on,
       d.code as district, f.credit_rating, f.blacklisted
  from firm f join department d on d.id = f.district_id`;

const knownFirm = (r: Record<string, unknown>, on: string): KnownFirm => ({
  firmId: r.id as number,
  name: r.name as string,
  facts: firmFacts(
    {
      creditCode: r.credit_code as string,
      industry: r.industry as string,
      size: r.size as string,
      foundedOn: r.founded_on as string,
      district: r.district as string,
      creditRating: r.credit_rating as string,
      blacklisted: r.blacklisted as boolean,
    },
    on,
  ),
});

/** A firm's facts on a local day, by its unified social credit code; null when the city does not know it. */
export async function firmFactsByCode(em: EntityManager, creditCode: string, on: string): Promise<KnownFirm | null> {
  const r = await one(em, `${FIRM_FACTS_SQL} where f.credit_code = ?`, [normaliseCode(creditCode)]);
  return r ? knownFirm(r, on) : null;
}

/** Every firm a phone speaks for, with its facts' columns (bench/policy.ts sends the same text). */
export const FIRM_FACTS_BY_PHONE_SQL = `${FIRM_FACTS_SQL} where f.id in (select c.firm_id from firm_contact c where c.phone = ?) order by f.name, f.id`;

/** The facts of every firm a phone speaks for: a caller may be a firm's contact as well as a citizen. */
export async function firmFactsByPhone(em: EntityManager, phone: string, on: string): Promise<KnownFirm[]> {
  const rows = await all(em, FIRM_FACTS_BY_PHONE_SQL, [phone.trim()]);
  return rows.map((r) => knownFirm(r, on));
}

const SETTING = 'policy.minCreditRating';
/** The threshold's setting; its one parameter is the setting's key. */
export const MIN_CREDIT_RATING_SQL = `select value #>> '{}' as value from app_setting where key = ?`;
export const MIN_CREDIT_RATING_KEY = SETTING;

/** The lowest credit rating still matched to policies (app setting `policy.minCreditRating`, B unless set). */
export async function minCreditRating(em: EntityManager): Promise<CreditRating> {
  const row = await one<{ value: string | null }>(em, MIN_CREDIT_RATING_SQL, [SETTING]);
  return isCreditRating(row?.value) ? row.value : DEFAULT_MIN_CREDIT_RATING;
}

const thresholdInput = z.object({ minCreditRating: z.enum(CREDIT_RATINGS, { message: '请选择信用等级' }) });

/** Sets the credit threshold; the change is recorded in the security audit. */
export async function setMinCreditRating(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  client: RequestClient | null,
  now = new Date(),
): Promise<void> {
  if (!can(actor, 'admin:eligibility')) throw new Forbidden('只有管理员可以修改信用门槛');
  const { minCreditRating: to } = parseInput(thresholdInput, raw);
  await inTransaction(em, async (tx) => {
    const from = await minCreditRating(tx);
    if (from === to) return;
    await run(
      tx,
      `insert into app_setting (key, value, updated_at, updated_by_id) values (?, ?::jsonb, ?, ?)
       on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at,
                                       updated_by_id = excluded.updated_by_id`,
      [SETTING, JSON.stringify(to), now, actor.userId],
    );
    await recordSecurityEvent(
      tx,
      { kind: 'settingChanged', actorId: actor.userId, client, detail: { setting: SETTING, from, to } },
      now,
    );
  });
}
