import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Migration20261203030000_id_number_encryption as IdNumberEncryption } from '../../entities/migrations/Migration20261203030000_id_number_encryption';
import { appealDetail } from '../../app/appeals/detail.server';
import { revealComplainant } from '../../app/appeals/reveal.server';
import { searchAppeals } from '../../app/appeals/search.server';
import { callerHistory, recordIntake } from '../../app/intake/intake.server';
import { startRuntime } from '../../app/runtime.server';
import {
  dataKey,
  dataKeyring,
  keyringFromEnv,
  MissingDataKey,
  parseDataKey,
  type DataKeyring,
} from '../../app/security/data-key.server';
import { idNumberIndexes, openIdNumber, sealIdNumber } from '../../app/security/id-number.server';
import { idNumberKeyUse, resealIdNumbers } from '../../app/security/id-number-rotation.server';
import { unseal, unsealWith } from '../../app/security/sealed.server';
import { referAppeal, stepReferral } from '../support/referrals';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { sessionUser } from '../support/users';

const PURPOSE = 'citizen.id_number';
const ID = '33010219900307123X';
/** A party's number in a referral case, which checks the GB 11643 check character. */
const PARTY_ID = '11010519491231002X';

/** Every run of 8 characters of the number: none may appear in what the database stores. */
const runsOf = (value: string) => Array.from({ length: value.length - 7 }, (_, i) => value.slice(i, i + 8));

describe('the data key', () => {
  const hex = 'ab'.repeat(32);

  it('reads 32 bytes as hex or base64 and refuses anything else', () => {
    expect(parseDataKey(hex)).toEqual(Buffer.alloc(32, 0xab));
    expect(parseDataKey(Buffer.alloc(32, 0xab).toString('base64'))).toEqual(Buffer.alloc(32, 0xab));
    expect(() => parseDataKey('ab'.repeat(16))).toThrow(/DATA_KEY must be a 32-byte key/);
    expect(() => parseDataKey('not a key')).toThrow(/DATA_KEY must be/);
  });

  it('outside the demo, refuses to start without DATA_KEY and says what to set', async () => {
    expect(() => keyringFromEnv({ DEMO: '0' })).toThrow(MissingDataKey);
    const saved = { DEMO: process.env.DEMO, DATA_KEY: process.env.DATA_KEY };
    process.env.DEMO = '0';
    delete process.env.DATA_KEY;
    try {
      await expect(startRuntime({ log: () => {} })).rejects.toThrow(/DATA_KEY is not set/);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('in the demo, makes one key and keeps it in the data folder', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotline-key-'));
    try {
      const first = keyringFromEnv({ DATA_DIR: dir });
      const file = path.join(dir, 'data-key');
      expect(statSync(file).mode & 0o077).toBe(0);
      expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
      expect(keyringFromEnv({ DATA_DIR: dir }).current.id).toBe(first.current.id);
      expect(keyringFromEnv({ DATA_DIR: dir, DATA_KEY: hex }).current.id).not.toBe(first.current.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('seals each value with a fresh IV, and no other key or changed byte opens it', () => {
    const ring = dataKeyring();
    const a = sealIdNumber(ID, ring);
    const b = sealIdNumber(ID, ring);
    expect(a.sealed).not.toBe(b.sealed);
    expect(a.index).toBe(b.index);
    expect(a.sealed).toMatch(new RegExp(`^v1\\.${ring.current.id}\\.[\\w-]{16}\\.[\\w-]{22}\\.[\\w-]+$`));
    expect(openIdNumber(a.sealed, ring)).toBe(ID);
    // Same key id, other key material: the GCM tag does not verify.
    expect(() => unsealWith(dataKey(randomBytes(32)), PURPOSE, a.sealed!)).toThrow(/unable to authenticate/i);
    const [v, kid, iv, tag, ct] = a.sealed!.split('.');
    const flipped = `${ct[0] === 'A' ? 'B' : 'A'}${ct.slice(1)}`;
    expect(() => unseal(ring, PURPOSE, [v, kid, iv, tag, flipped].join('.'))).toThrow(/unable to authenticate/i);
    // Sealed for one column, it does not open as another.
    expect(() => unseal(ring, 'citizen.other', a.sealed!)).toThrow(/unable to authenticate/i);
    const other: DataKeyring = { current: dataKey(randomBytes(32)), previous: [] };
    expect(() => openIdNumber(a.sealed, other)).toThrow(/not in DATA_KEY/);
  });
});

describe.each(DB_KINDS)('ID numbers at rest on %s', (kind) => {
  const t = useTestServices(kind);
  const user = (username: string) => sessionUser(t, username);
  const phone = kind === 'pglite' ? '13812340001' : '13812340002';
  let appealId = 0;
  let number = '';
  let again = '';

  it('stores the number from intake sealed: nothing of it in clear in the citizen row', async () => {
    const r = await recordIntake(t.services, t.as('operator'), {
      intent: 'submit',
      requestKey: randomUUID(),
      callerPhone: phone,
      citizenName: '钱先生',
      idNumber: ' 330102 19900307 123x ',
      type: 'complaint',
      category: '0201 环境卫生',
      title: '身份证号加密存储',
      content: '登记诉求人的身份证号码。',
    });
    appealId = r.appealId;
    number = r.number;
    const [row] = await t.sql('select * from citizen where phone = ?', [phone]);
    const raw = JSON.stringify(row);
    for (const run of runsOf(ID)) expect(raw).not.toContain(run);
    expect(row.id_number_sealed).toMatch(/^v1\./);
    expect(row.id_number_index).toBe(idNumberIndexes(ID)[0]);
    expect(row).not.toHaveProperty('id_number');
    const columns = await t.sql<{ column_name: string }>(
      `select column_name from information_schema.columns where table_name = 'citizen' and column_name = 'id_number'`,
    );
    expect(columns).toEqual([]);
  });

  it('refuses a malformed number with a field error', async () => {
    const err = await recordIntake(t.services, t.as('operator'), {
      intent: 'submit',
      requestKey: randomUUID(),
      callerPhone: phone,
      idNumber: '3301021990',
      type: 'complaint',
      category: '0201 环境卫生',
      title: '号码格式不对',
      content: '身份证号少了几位。',
    }).catch((e) => e);
    expect(err.fieldErrors?.idNumber?.[0]).toMatch(/18 位/);
  });

  it('shows it masked on the appeal and in the screen pop, and in full to an allowed reveal', async () => {
    const detail = await appealDetail(t.em(), t.as('dispatcher'), appealId);
    expect(detail.complainant?.idNumber).toBe('330102********123X');
    const pop = await callerHistory(t.em(), t.as('operator'), phone);
    expect(pop?.citizen?.idNumber).toBe('330102********123X');
    expect(await revealComplainant(t.em(), t.as('reviewer'), appealId, 'idNumber')).toBe(ID);
  });

  it('keeps the stored number when a later intake of the same caller leaves the field empty', async () => {
    ({ number: again } = await recordIntake(t.services, t.as('operator'), {
      intent: 'draft',
      requestKey: randomUUID(),
      callerPhone: phone,
      idNumber: '',
      type: 'consultation',
      category: '0201 环境卫生',
      title: '再次来电',
      content: '同一市民再次来电咨询。',
    }));
    expect(await revealComplainant(t.em(), t.as('reviewer'), appealId, 'idNumber')).toBe(ID);
  });

  it('finds the appeal by the exact ID number through the blind index, in any spelling', async () => {
    const found = async (q: string) =>
      (await searchAppeals(t.em(), user('dispatcher'), { q }, { limit: 100 })).items.map((i) => i.number);
    // Both appeals of the citizen: the one that recorded the number and the later one that kept it.
    expect((await found(ID)).sort()).toEqual([number, again].sort());
    expect((await found('33010219900307123x')).sort()).toEqual([number, again].sort());
    expect(await found('330102199003071234')).toEqual([]);
  });

  it('seals the clear numbers a database holds from before, and drops the clear column', async () => {
    const migration = new IdNumberEncryption(t.db.orm.em.getDriver(), t.db.orm.config);
    const inMigration = (step: 'up' | 'down') =>
      t.db.orm.em.getConnection().transactional(async (tx) => {
        migration.setTransactionContext(tx);
        await migration[step]();
      });
    // Back to the shape before the migration, with one more citizen stored the old way.
    await inMigration('down');
    const [before] = await t.sql('select id_number from citizen where phone = ?', [phone]);
    expect(before.id_number).toBe(ID);
    const oldPhone = kind === 'pglite' ? '13712340001' : '13712340002';
    await t.sql(
      `insert into citizen (phone, name, id_number, created_at, updated_at) values (?, '旧记录', '110101198001010011', now(), now())`,
      [oldPhone],
    );

    await inMigration('up');
    const rows = await t.sql('select * from citizen where phone in (?, ?) order by phone', [oldPhone, phone]);
    expect(rows.map((r) => openIdNumber(r.id_number_sealed))).toEqual(['110101198001010011', ID]);
    expect(rows.map((r) => r.id_number_index)).toEqual([
      idNumberIndexes('110101198001010011')[0],
      idNumberIndexes(ID)[0],
    ]);
    const raw = JSON.stringify(await t.sql('select * from citizen'));
    for (const run of [...runsOf(ID), ...runsOf('110101198001010011')]) expect(raw).not.toContain(run);
    const columns = await t.sql(
      `select column_name from information_schema.columns where table_name = 'citizen' and column_name = 'id_number'`,
    );
    expect(columns).toEqual([]);
  });

  it('reseals every number under a new key while the old one still opens them, and back', async () => {
    // A mediation case's party with an ID number: sealed in the case's snapshot, resealed with the citizens.
    const { referralId } = await referAppeal(t.services, t.ids, 'R01');
    const mediator = (type: string, payload: Record<string, unknown> = {}) =>
      stepReferral(t.services, referralId, t.as('mediator'), type, payload);
    await mediator('ACCEPT');
    await mediator('ADD_PARTY', { name: '张三', side: 'applicant', idNumber: PARTY_ID });
    const partySealed = async () => {
      const [row] = await t.sql<{ snapshot: unknown }>('select snapshot from referral where id = ?', [referralId]);
      const text = typeof row.snapshot === 'string' ? row.snapshot : JSON.stringify(row.snapshot);
      return /"idNumberSealed":\s*"([^"]+)"/.exec(text)![1];
    };

    const old = dataKeyring();
    const next: DataKeyring = { current: dataKey(randomBytes(32)), previous: [old.current] };
    // Mid-rotation the lookup matches the index under either key.
    expect(idNumberIndexes(ID, next)).toContain(idNumberIndexes(ID, old)[0]);
    const sealed = (await idNumberKeyUse(t.em()))[old.current.id];
    expect(await resealIdNumbers(t.em(), next)).toBe(sealed);
    expect(await idNumberKeyUse(t.em())).toEqual({ [next.current.id]: sealed });
    const [row] = await t.sql('select id_number_sealed, id_number_index from citizen where phone = ?', [phone]);
    expect(openIdNumber(row.id_number_sealed, next)).toBe(ID);
    expect(row.id_number_index).toBe(idNumberIndexes(ID, next)[0]);
    expect(() => openIdNumber(row.id_number_sealed, old)).toThrow(/not in DATA_KEY/);
    // The demo's policy implementation records, resealed with their blind index.
    const [record] = await t.sql<{ id_number_sealed: string; beneficiary_key: string }>(
      `select id_number_sealed, beneficiary_key from policy_record where beneficiary_kind = 'person' order by id limit 1`,
    );
    expect(record.beneficiary_key).toBe(idNumberIndexes(openIdNumber(record.id_number_sealed, next)!, next)[0]);
    const party = await partySealed();
    expect(openIdNumber(party, next)).toBe(PARTY_ID);
    expect(() => openIdNumber(party, old)).toThrow(/not in DATA_KEY/);
    expect(await resealIdNumbers(t.em(), next)).toBe(0);

    await resealIdNumbers(t.em(), { current: old.current, previous: [next.current] });
    expect(await revealComplainant(t.em(), t.as('reviewer'), appealId, 'idNumber')).toBe(ID);
  });
});
