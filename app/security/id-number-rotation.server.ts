import type { EntityManager } from '@mikro-orm/sql';
import { all, inTransaction, jsonb, run } from '../db/sql.server';
import { dataKeyring, type DataKeyring } from './data-key.server';
import { openIdNumber, sealIdNumber } from './id-number.server';
import { sealedKeyId } from './sealed.server';

const BATCH = 500;

// A referral case keeps its parties' ID numbers sealed in its snapshot (the machine's context): under these keys.
const SNAPSHOT_FIELD = /^(idNumberSealed|applicantIdNumberSealed)$/;
// Finds the snapshots that hold any, without reading every case's snapshot into the process.
const SNAPSHOT_HOLDS = `position('IdNumberSealed' in snapshot::text) > 0 or position('idNumberSealed' in snapshot::text) > 0`;

/** Every sealed ID number in a snapshot, with a way to put a new value in its place. */
function sealedInSnapshot(tree: unknown, found: { value: string; put: (v: string) => void }[] = []) {
  if (Array.isArray(tree)) tree.forEach((v) => sealedInSnapshot(v, found));
  else if (tree && typeof tree === 'object')
    for (const [k, v] of Object.entries(tree as Record<string, unknown>)) {
      if (SNAPSHOT_FIELD.test(k) && typeof v === 'string' && sealedKeyId(v))
        found.push({ value: v, put: (next) => ((tree as Record<string, unknown>)[k] = next) });
      else sealedInSnapshot(v, found);
    }
  return found;
}

/**
 * After a new DATA_KEY (the old one moved to DATA_KEY_PREVIOUS): reseals every ID number the current key did not
 * seal — the citizens' and the policy records' (with their blind index) and those in referral cases' snapshots — a batch per transaction so
 * a large table never holds one long lock. Returns how many were resealed; once no value names an old key
 * (`idNumberKeyUse`), the old key can be dropped from DATA_KEY_PREVIOUS. The cases' audit rows keep the seal they
 * were written with: they are hash-chained and never rewritten, and without the old key their copy stays closed.
 */
export async function resealIdNumbers(em: EntityManager, ring: DataKeyring = dataKeyring()): Promise<number> {
  return (
    (await resealColumns(em, ring, 'citizen', 'id_number_index')) +
    (await resealColumns(em, ring, 'policy_record', 'beneficiary_key')) +
    (await resealReferralSnapshots(em, ring))
  );
}

async function resealReferralSnapshots(em: EntityManager, ring: DataKeyring): Promise<number> {
  let done = 0;
  for (let after = 0; ;) {
    const rows = await all<{ id: number; version: number; snapshot: unknown }>(
      em,
      `select id, version, snapshot from referral where id > ? and (${SNAPSHOT_HOLDS}) order by id limit ${BATCH}`,
      [after],
    );
    if (!rows.length) return done;
    await inTransaction(em, async (tx) => {
      for (const r of rows) {
        const snapshot = jsonb<Record<string, unknown>>(r.snapshot);
        const stale = sealedInSnapshot(snapshot).filter((f) => sealedKeyId(f.value) !== ring.current.id);
        if (!stale.length) continue;
        for (const f of stale) {
          const sealed = sealIdNumber(openIdNumber(f.value, ring), ring).sealed;
          if (sealed) f.put(sealed);
        }
        // Guarded by the case's version: a step taken meanwhile wins, and the next run reseals what it wrote.
        if (
          await run(tx, 'update referral set snapshot = ? where id = ? and version = ?', [
            JSON.stringify(snapshot),
            r.id,
            r.version,
          ])
        )
          done += stale.length;
      }
    });
    after = rows[rows.length - 1].id;
  }
}

/** A table's sealed ID numbers with their blind index: the citizens' (`id_number_index`), the policy records' (`beneficiary_key`). */
async function resealColumns(
  em: EntityManager,
  ring: DataKeyring,
  table: 'citizen' | 'policy_record',
  indexColumn: 'id_number_index' | 'beneficiary_key',
): Promise<number> {
  const current = `v1.${ring.current.id}.%`;
  let done = 0;
  for (let after = 0; ;) {
    const rows = await all<{ id: number; id_number_sealed: string }>(
      em,
      `select id, id_number_sealed from ${table}
        where id > ? and id_number_sealed is not null and id_number_sealed not like ? order by id limit ${BATCH}`,
      [after, current],
    );
    if (!rows.length) return done;
    await inTransaction(em, async (tx) => {
      for (const r of rows) {
        const { sealed, index } = sealIdNumber(openIdNumber(r.id_number_sealed, ring), ring);
        // Guarded by the old value: an intake that rewrote the number meanwhile wins.
        done += await run(
          tx,
          `update ${table} set id_number_sealed = ?, ${indexColumn} = ? where id = ? and id_number_sealed = ?`,
          [sealed, index, r.id, r.id_number_sealed],
        );
      }
    });
    after = rows[rows.length - 1].id;
  }
}

/** How many sealed ID numbers (citizens', policy records' and referral snapshots') each key id holds: what a rotation still has to do. */
export async function idNumberKeyUse(em: EntityManager): Promise<Record<string, number>> {
  const rows = await all<{ id_number_sealed: string }>(
    em,
    `select id_number_sealed from citizen where id_number_sealed is not null
     union all select id_number_sealed from policy_record where id_number_sealed is not null`,
  );
  const use: Record<string, number> = {};
  const count = (sealed: string) => {
    const id = sealedKeyId(sealed) ?? 'unknown';
    use[id] = (use[id] ?? 0) + 1;
  };
  for (const r of rows) count(r.id_number_sealed);
  const referrals = await all<{ snapshot: unknown }>(em, `select snapshot from referral where ${SNAPSHOT_HOLDS}`);
  for (const r of referrals) for (const f of sealedInSnapshot(jsonb(r.snapshot))) count(f.value);
  return use;
}
