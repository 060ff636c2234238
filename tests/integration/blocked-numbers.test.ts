import { describe, expect, it } from 'vitest';
import { BLOCKED_MESSAGE } from '../../app/citizen/blocked-numbers.server';
import { publicCategories, submitWebAppeal } from '../../app/citizen/submission.server';
import { requestCode } from '../../app/citizen/verification.server';
import { Conflict, Forbidden, InvalidInput } from '../../app/domain/errors';
import { callerHistory } from '../../app/intake/intake.server';
import { activeBlock, blockNumber, blockedNumbers, liftBlock } from '../../app/security/blocked-numbers.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// The blocked-numbers list the supervisor keeps: added with a reason, refused twice, lifted (never deleted), ended by
// its last day; a phone on it gets no code and files nothing on the public site, and the screen pop warns of it.

const SITE = 'https://12345.example.gov.cn';
// 2026-12-07 10:00 in the city.
const T0 = new Date('2026-12-07T02:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
let phones = 0;
const freshPhone = () => `1391111${String(1000 + phones++)}`;

describe.each(DB_KINDS)('blocked numbers on %s', (kind) => {
  const t = useTestServices(kind);
  const supervisor = () => t.as('supervisor');
  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    (await t.sql<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, params))[0].n;
  const listEvents = (change: string) =>
    count(`security_event`, `detail ->> 'setting' = 'blockedNumber' and detail ->> 'change' = ?`, [change]);

  it('adds a phone with its reason, masks it in the list, records the change, and refuses it twice', async () => {
    const phone = freshPhone();
    const before = await listEvents('added');
    const { id } = await blockNumber(t.em(), supervisor(), { phone, reason: '反复辱骂话务员' }, null, T0);
    const [entry] = (await blockedNumbers(t.em(), supervisor(), T0)).filter((e) => e.id === id);
    expect(entry).toMatchObject({ phone: `${phone.slice(0, 3)}****${phone.slice(-4)}`, reason: '反复辱骂话务员' });
    expect(entry).toMatchObject({ active: true, until: null, liftedAt: null, addedBy: expect.any(String) });
    expect(await listEvents('added')).toBe(before + 1);
    const [event] = await t.sql<{ actor_id: number; detail: { phone: string } }>(
      `select actor_id, detail from security_event where detail ->> 'entryId' = ? and detail ->> 'change' = 'added'`,
      [String(id)],
    );
    expect(event.actor_id).toBe(supervisor().userId);
    expect(JSON.stringify(event.detail)).not.toContain(phone);

    // The same number typed another way is the same number.
    const again = blockNumber(
      t.em(),
      supervisor(),
      { phone: `${phone.slice(0, 3)}-${phone.slice(3)}`, reason: '再次加入' },
      null,
      at(1000),
    );
    await expect(again).rejects.toBeInstanceOf(Conflict);
    expect(await count('blocked_number', 'phone = ?', [phone])).toBe(1);
    expect(await listEvents('added')).toBe(before + 1);
  });

  it('refuses bad input field by field and writes nothing', async () => {
    const before = await count('blocked_number');
    const events = await count('security_event');
    await expect(
      blockNumber(t.em(), supervisor(), { phone: '12', reason: ' ', until: '2026-13-40' }, null, T0),
    ).rejects.toMatchObject({
      fieldErrors: { phone: [expect.any(String)], reason: [expect.any(String)], until: [expect.any(String)] },
    });
    await expect(
      blockNumber(t.em(), supervisor(), { phone: freshPhone(), reason: '骚扰', until: '2026-12-06' }, null, T0),
    ).rejects.toMatchObject({ fieldErrors: { until: ['截止日期不能早于今天'] } });
    await expect(
      blockNumber(t.em(), supervisor(), { phone: freshPhone(), reason: '骚扰', admin: 'x' }, null, T0),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect(await count('blocked_number')).toBe(before);
    expect(await count('security_event')).toBe(events);
  });

  it('lifts an entry once, keeping the row, and the phone may be added again', async () => {
    const phone = freshPhone();
    const { id } = await blockNumber(t.em(), supervisor(), { phone, reason: '恶意占线' }, null, T0);
    await liftBlock(t.em(), supervisor(), { id: String(id) }, null, at(60_000));
    expect(await activeBlock(t.em(), phone, at(61_000))).toBeNull();
    const [row] = await t.sql<{ lifted_by_id: number; lifted_at: Date }>(
      'select lifted_by_id, lifted_at from blocked_number where id = ?',
      [id],
    );
    expect(row.lifted_by_id).toBe(supervisor().userId);
    expect(new Date(row.lifted_at).getTime()).toBe(at(60_000).getTime());
    const [listed] = (await blockedNumbers(t.em(), supervisor(), at(61_000))).filter((e) => e.id === id);
    expect(listed).toMatchObject({ active: false, liftedBy: expect.any(String), liftedAt: expect.any(String) });
    await expect(liftBlock(t.em(), supervisor(), { id }, null, at(62_000))).rejects.toBeInstanceOf(Conflict);
    expect(await listEvents('lifted')).toBeGreaterThanOrEqual(1);
    const second = await blockNumber(t.em(), supervisor(), { phone, reason: '又开始骚扰' }, null, at(120_000));
    expect((await activeBlock(t.em(), phone, at(121_000)))?.id).toBe(second.id);
  });

  it('ends a block at the local midnight after its last day', async () => {
    const phone = freshPhone();
    await blockNumber(t.em(), supervisor(), { phone, reason: '短期骚扰', until: '2026-12-08' }, null, T0);
    // 2026-12-08 23:59 and 2026-12-09 00:00 in Asia/Shanghai.
    expect(await activeBlock(t.em(), phone, new Date('2026-12-08T15:59:00Z'))).not.toBeNull();
    expect(await activeBlock(t.em(), phone, new Date('2026-12-08T16:00:00Z'))).toBeNull();
    const [entry] = (await blockedNumbers(t.em(), supervisor(), T0)).filter((e) => e.reason === '短期骚扰');
    expect(entry.until).toBe('2026-12-08');
    // Ended by itself, it may be added again.
    await blockNumber(t.em(), supervisor(), { phone, reason: '再犯' }, null, new Date('2026-12-09T01:00:00Z'));
  });

  it('lets only the supervisor keep the list', async () => {
    for (const role of ['operator', 'dispatcher', 'admin', 'handler']) {
      const actor = t.as(role);
      await expect(
        blockNumber(t.em(), actor, { phone: freshPhone(), reason: '骚扰' }, null, T0),
      ).rejects.toBeInstanceOf(Forbidden);
      await expect(blockedNumbers(t.em(), actor, T0)).rejects.toBeInstanceOf(Forbidden);
      await expect(liftBlock(t.em(), actor, { id: 1 }, null, T0)).rejects.toBeInstanceOf(Forbidden);
    }
  });

  it('sends a blocked phone no code and files nothing, recording only the refusal', async () => {
    const phone = freshPhone();
    // A code asked for before the block, to try filing with after it.
    await requestCode(t.em(), { phone, purpose: 'submit' }, '203.0.113.40', T0);
    const [sms] = await t.sql<{ body: string }>(
      `select body from sms_outbox where phone = ? and template = 'verification'`,
      [phone],
    );
    const code = /(\d{6})/.exec(sms.body)![1];
    const { id } = await blockNumber(t.em(), supervisor(), { phone, reason: '恶意刷单' }, null, at(1000));

    const tables = ['citizen_code', 'sms_outbox', 'appeal', 'appeal_tracking'];
    const before = await Promise.all(tables.map((x) => count(x)));
    const refusals = () =>
      count('security_event', `kind = 'blockedNumberRefused' and detail ->> 'entryId' = ?`, [String(id)]);

    await expect(requestCode(t.em(), { phone, purpose: 'submit' }, '203.0.113.40', at(120_000))).rejects.toMatchObject({
      fieldErrors: { phone: [BLOCKED_MESSAGE] },
    });
    await expect(requestCode(t.em(), { phone, purpose: 'track' }, null, at(180_000))).rejects.toBeInstanceOf(
      InvalidInput,
    );
    const leaf = (await publicCategories(t.em()))[0].categories[0].id;
    const filing = submitWebAppeal(
      { ...t.services, now: () => at(130_000) },
      {
        type: 'complaint',
        categoryId: String(leaf),
        content: '楼下商铺每天深夜噪音很大，影响休息。',
        phone,
        code,
        consent: 'on',
      },
      SITE,
    );
    await expect(filing).rejects.toMatchObject({ fieldErrors: { phone: [BLOCKED_MESSAGE] } });
    expect(await Promise.all(tables.map((x) => count(x)))).toEqual(before);
    expect(await refusals()).toBe(3);
    const [refusal] = await t.sql<{ ip: string | null; detail: Record<string, unknown> }>(
      `select ip, detail from security_event where kind = 'blockedNumberRefused' and detail ->> 'entryId' = ?
        order by id limit 1`,
      [String(id)],
    );
    expect(refusal.ip).toBe('203.0.113.40');
    expect(refusal.detail).toMatchObject({ step: 'code' });
    expect(JSON.stringify(refusal.detail)).not.toContain(phone);

    // Lifted, the phone is served again.
    await liftBlock(t.em(), supervisor(), { id }, null, at(200_000));
    await requestCode(t.em(), { phone, purpose: 'submit' }, '203.0.113.40', at(260_000));
    expect(await count('citizen_code', 'phone = ?', [phone])).toBe(2);
  });

  it("warns the operator's screen pop of a blocked caller with the reason, and not of others", async () => {
    const phone = freshPhone();
    const operator = t.as('operator');
    expect((await callerHistory(t.em(), operator, phone, T0))?.blocked).toBeNull();
    await blockNumber(t.em(), supervisor(), { phone, reason: '多次拨打谩骂', until: '2026-12-31' }, null, T0);
    const pop = await callerHistory(t.em(), operator, phone, at(1000));
    expect(pop?.blocked).toMatchObject({ reason: '多次拨打谩骂', until: '2026-12-31' });
    expect((await callerHistory(t.em(), t.as('dispatcher'), phone, at(1000)))?.blocked?.reason).toBe('多次拨打谩骂');
    expect((await callerHistory(t.em(), operator, freshPhone(), at(1000)))?.blocked).toBeNull();
  });
});
