import type { EntityManager } from '@mikro-orm/sql';
import { all, inTransaction, run } from '../db/sql.server';
import { dataKeyring, type DataKeyring } from './data-key.server';
import { openIdNumber, sealIdNumber } from './id-number.server';
import { sealedKeyId } from './sealed.server';

const BATCH = 500;

/**
 * After a new DATA_KEY (the old one moved to DATA_KEY_PREVIOUS): reseals every ID number the current key did not
 * seal and recomputes its blind index, a batch per transaction so a large table never holds one long lock.
 * Returns how many were resealed; once it has run, the old key can be dropped from DATA_KEY_PREVIOUS.
 */
export async function resealIdNumbers(em: EntityManager, ring: DataKeyring = dataKeyring()): Promise<number> {
  const current = `v1.${ring.current.id}.%`;
  let done = 0;
  for (let after = 0; ;) {
    const rows = await all<{ id: number; id_number_sealed: string }>(
      em,
      `select id, id_number_sealed from citizen
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
          'update citizen set id_number_sealed = ?, id_number_index = ? where id = ? and id_number_sealed = ?',
          [sealed, index, r.id, r.id_number_sealed],
        );
      }
    });
    after = rows[rows.length - 1].id;
  }
}

/** How many sealed ID numbers each key id holds: what a rotation still has to do. */
export async function idNumberKeyUse(em: EntityManager): Promise<Record<string, number>> {
  const rows = await all<{ id_number_sealed: string }>(
    em,
    'select id_number_sealed from citizen where id_number_sealed is not null',
  );
  const use: Record<string, number> = {};
  for (const r of rows) {
    const id = sealedKeyId(r.id_number_sealed) ?? 'unknown';
    use[id] = (use[id] ?? 0) + 1;
  }
  return use;
}
