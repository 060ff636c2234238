import { describe, expect, it } from 'vitest';
import { openAttachment } from '../../app/appeals/attachments.server';
import { appealSms } from '../../app/appeals/sms-log.server';
import { applyEvent } from '../../app/appeals/service.server';
import { triageDuplicateHints } from '../../app/intake/intake.server';
import { canSeeAppeal } from '../../app/appeals/scope';
import { CITIZEN_ACTOR } from '../../app/cases/actor';
import { publicCategories, submitWebAppeal, trackingTokenHash } from '../../app/citizen/submission.server';
import { rateWebAppeal } from '../../app/citizen/rating.server';
import { trackAppeal } from '../../app/citizen/tracking.server';
import { CODE_RULES, requestCode, verifyCode } from '../../app/citizen/verification.server';
import { Conflict, InvalidInput, NotFound, TooManyRequests } from '../../app/domain/errors';
import { SITE, fileWebAppeal, lastCode, webForm, phoneSeries } from '../support/citizen';
import { DB_KINDS } from '../support/env';
import { PHOTO_PLACE, gpsOf, jpegWithGps, plainPng } from '../support/photos';
import { useTestServices } from '../support/services';

// The citizens' own channel: SMS codes and their limits, an appeal filed on the public site into the same closed
// loop, and the tracking link that shows the citizen-facing steps of that appeal and nothing else. An appeal's photos
// and its map point: stored with it, the photos without their metadata, or refused with nothing written.

const PLACE_AND_NAME = { address: '东城区和平路 12 号', name: '李女士' };
const freshPhone = phoneSeries('1360000');
const T0 = new Date('2026-12-07T02:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe.each(DB_KINDS)('citizen web channel on %s', (kind) => {
  const t = useTestServices(kind, { dataDir: true });
  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    (await t.sql<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, params))[0].n;
  /** The form as a citizen fills it in, with the place and a name. */
  const form = (phone: string, code: string, over: Record<string, unknown> = {}) =>
    webForm(t, phone, code, { ...PLACE_AND_NAME, ...over });
  const servicesAt = (now: Date) => ({ ...t.services, now: () => now });

  it('sends a code through the SMS outbox, keeping only its HMAC', async () => {
    const phone = freshPhone();
    const sent = await requestCode(t.em(), { phone, purpose: 'submit' }, '203.0.113.9', T0);
    expect(sent.expiresAt.getTime() - T0.getTime()).toBe(CODE_RULES.ttlMs);
    const code = await lastCode(t, phone);
    const [row] = await t.sql<{ code_hash: string; client_address: string }>(
      'select code_hash, client_address from citizen_code where phone = ?',
      [phone],
    );
    expect(row.code_hash).not.toContain(code);
    expect(row.client_address).toBe('203.0.113.9');
    await expect(requestCode(t.em(), { phone: '12345', purpose: 'submit' }, null, T0)).rejects.toMatchObject({
      fieldErrors: { phone: [expect.stringContaining('11 位')] },
    });
  });

  it('gives a phone one code a minute and ten a day, and an address twenty an hour', async () => {
    const phone = freshPhone();
    await requestCode(t.em(), { phone, purpose: 'submit' }, '198.51.100.1', T0);
    await expect(requestCode(t.em(), { phone, purpose: 'submit' }, '198.51.100.1', at(30_000))).rejects.toThrow(
      /30 秒后/,
    );
    for (let i = 1; i < CODE_RULES.phonePerDay; i++)
      await requestCode(t.em(), { phone, purpose: 'submit' }, `198.51.100.${i + 1}`, at(i * 61_000));
    const late = requestCode(t.em(), { phone, purpose: 'submit' }, '198.51.100.99', at(20 * 61_000));
    await expect(late).rejects.toBeInstanceOf(TooManyRequests);
    expect(await count('citizen_code', 'phone = ?', [phone])).toBe(CODE_RULES.phonePerDay);

    const address = '192.0.2.77';
    for (let i = 0; i < CODE_RULES.addressPerHour; i++)
      await requestCode(t.em(), { phone: freshPhone(), purpose: 'submit' }, address, at(i * 1000));
    await expect(requestCode(t.em(), { phone: freshPhone(), purpose: 'submit' }, address, at(30_000))).rejects.toThrow(
      /一小时后/,
    );
    // An hour on, the address may ask again.
    await requestCode(t.em(), { phone: freshPhone(), purpose: 'submit' }, address, at(3_700_000));
  });

  it('two requests for one phone at once send one code', async () => {
    const phone = freshPhone();
    const results = await Promise.allSettled(
      [0, 1, 2].map(() => requestCode(t.em(), { phone, purpose: 'submit' }, '198.51.100.50', T0)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await count('citizen_code', 'phone = ?', [phone])).toBe(1);
    expect(await count('sms_outbox', 'phone = ?', [phone])).toBe(1);
  });

  it('refuses a wrong code with the tries left, spends the code at the fifth, and an expired one', async () => {
    const phone = freshPhone();
    await requestCode(t.em(), { phone, purpose: 'submit' }, null, T0);
    const code = await lastCode(t, phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = CODE_RULES.maxTries - 1; left > 0; left--)
      await expect(verifyCode(t.em(), { phone, purpose: 'submit', code: wrong }, at(1000))).rejects.toThrow(
        `还可尝试 ${left} 次`,
      );
    await expect(verifyCode(t.em(), { phone, purpose: 'submit', code: wrong }, at(1000))).rejects.toThrow('过多');
    // Spent: even the right code no longer counts.
    await expect(verifyCode(t.em(), { phone, purpose: 'submit', code }, at(2000))).rejects.toThrow('请先获取');

    const other = freshPhone();
    await requestCode(t.em(), { phone: other, purpose: 'submit' }, null, T0);
    const expired = verifyCode(
      t.em(),
      { phone: other, purpose: 'submit', code: await lastCode(t, other) },
      at(5 * 60_000),
    );
    await expect(expired).rejects.toThrow('已过期');
    // A code for tracking is not a code for submitting.
    await requestCode(t.em(), { phone: other, purpose: 'track' }, null, at(61_000));
    const track = await lastCode(t, other);
    await expect(verifyCode(t.em(), { phone: other, purpose: 'submit', code: track }, at(62_000))).rejects.toThrow();
  });

  it('files the appeal into triage as 网站, sends the tracking link, and spends the code once', async () => {
    const phone = freshPhone();
    await requestCode(t.em(), { phone, purpose: 'submit' }, null, T0);
    const code = await lastCode(t, phone);
    const r = await submitWebAppeal(servicesAt(at(60_000)), await form(phone, code), SITE);
    const [a] = await t.sql<{
      source: string;
      phase: string;
      caller_phone: string;
      created_by_id: number | null;
      citizen_id: number | null;
      title: string;
      due_at: Date | null;
    }>('select source, phase, caller_phone, created_by_id, citizen_id, title, due_at from appeal where id = ?', [r.id]);
    expect(a).toMatchObject({ source: 'web', phase: 'triage', caller_phone: phone, created_by_id: null });
    expect(a.citizen_id).not.toBeNull();
    expect(a.due_at).not.toBeNull();
    expect(a.title).toMatch(/^.+：小区门口的路灯/);
    const events = await t.sql<{ type: string; actor_role: string; actor_id: number | null }>(
      'select type, actor_role, actor_id from appeal_event where appeal_id = ? order by seq',
      [r.id],
    );
    expect(events).toEqual([
      { type: 'CREATE', actor_role: 'citizen', actor_id: null },
      { type: 'SUBMIT', actor_role: 'citizen', actor_id: null },
    ]);
    const sms = await t.sql<{ template: string; body: string }>(
      'select template, body from sms_outbox where appeal_id = ? order by id',
      [r.id],
    );
    expect(sms.map((s) => s.template)).toEqual(['received', 'tracking']);
    expect(sms[1].body).toContain(`${SITE}/c/track/${r.token}`);
    expect(sms[1].body).toContain(r.number);
    const [link] = await t.sql<{ token_hash: string }>('select token_hash from appeal_tracking where appeal_id = ?', [
      r.id,
    ]);
    expect(link.token_hash).toBe(trackingTokenHash(r.token));
    expect(link.token_hash).not.toContain(r.token);
    // Staff read the message on the appeal page without the link's secret: it would let them act as the citizen.
    const shown = (await appealSms(t.em(), r.id, true)).find((m) => m.template === 'tracking')!;
    expect(shown.body).toContain(r.number);
    expect(shown.body).not.toContain(r.token);
    expect(shown.body).toContain('/c/track/');
    // The same code a second time: refused, nothing more written.
    const appeals = await count('appeal');
    await expect(submitWebAppeal(servicesAt(at(70_000)), await form(phone, code), SITE)).rejects.toBeInstanceOf(
      InvalidInput,
    );
    expect(await count('appeal')).toBe(appeals);
  });

  it('refuses bad input field by field and writes nothing, the code left unspent', async () => {
    const phone = freshPhone();
    await requestCode(t.em(), { phone, purpose: 'submit' }, null, T0);
    const code = await lastCode(t, phone);
    const before = { appeals: await count('appeal'), outbox: await count('sms_outbox') };
    const bad = submitWebAppeal(
      servicesAt(at(1000)),
      await form(phone, code, { type: 'praise', content: '太短', consent: undefined, categoryId: '' }),
      SITE,
    );
    await expect(bad).rejects.toMatchObject({
      fieldErrors: {
        type: [expect.any(String)],
        content: [expect.stringContaining('10 个字')],
        consent: [expect.any(String)],
        categoryId: [expect.any(String)],
      },
    });
    const topLevel = (await publicCategories(t.em()))[0].id;
    await expect(
      submitWebAppeal(servicesAt(at(1000)), await form(phone, code, { categoryId: String(topLevel) }), SITE),
    ).rejects.toMatchObject({ fieldErrors: { categoryId: [expect.any(String)] } });
    await expect(
      submitWebAppeal(servicesAt(at(1000)), await form(phone, code, { extra: 'x' }), SITE),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect({ appeals: await count('appeal'), outbox: await count('sms_outbox') }).toEqual(before);
    // Nothing was spent: the same code still files the appeal.
    await submitWebAppeal(servicesAt(at(2000)), await form(phone, code), SITE);
    expect(await count('appeal')).toBe(before.appeals + 1);
  });

  const jpeg = async (name = '门口.jpg') => ({ name, type: 'image/jpeg', bytes: new Uint8Array(await jpegWithGps()) });
  /** A fresh phone with its code, ready to file. */
  const coded = async () => {
    const phone = freshPhone();
    await requestCode(t.em(), { phone, purpose: 'submit' }, null, T0);
    return { phone, code: await lastCode(t, phone) };
  };
  const written = async () => ({
    appeals: await count('appeal'),
    attachments: await count('attachment'),
    outbox: await count('sms_outbox'),
    spent: await count('citizen_code', 'used_at is not null'),
  });

  it('stores the photos with the appeal, without their GPS, and the map point with its grid', async () => {
    const { phone, code } = await coded();
    const png = { name: 'lamp.png', type: 'image/png', bytes: new Uint8Array(await plainPng()) };
    const photo = await jpeg();
    expect(await gpsOf(photo.bytes)).not.toBeNull();
    const r = await submitWebAppeal(
      servicesAt(at(1000)),
      await form(phone, code, { lat: String(PHOTO_PLACE.lat), lng: String(PHOTO_PLACE.lng) }),
      SITE,
      [photo, png],
    );
    const [a] = await t.sql<{ lat: number; lng: number; grid_id: number | null }>(
      'select lat, lng, grid_id from appeal where id = ?',
      [r.id],
    );
    expect(Number(a.lat)).toBeCloseTo(PHOTO_PLACE.lat, 6);
    expect(Number(a.lng)).toBeCloseTo(PHOTO_PLACE.lng, 6);
    // The grid the point falls in, as intake decides it: the demo city's cell at that corner.
    const [grid] = await t.sql<{ code: string }>('select code from grid where id = ?', [a.grid_id]);
    expect(grid.code).toBe('G08');
    const files = await t.sql<{ id: number; file_name: string; content_type: string; uploaded_by_id: number | null }>(
      'select id, file_name, content_type, uploaded_by_id from attachment where appeal_id = ? order by id',
      [r.id],
    );
    expect(files.map(({ id: _id, ...f }) => f)).toEqual([
      { file_name: '门口.jpg', content_type: 'image/jpeg', uploaded_by_id: null },
      { file_name: 'lamp.png', content_type: 'image/png', uploaded_by_id: null },
    ]);
    // The dispatcher opens them as any appeal's files: the JPEG no longer says where it was taken.
    const opened = await openAttachment(t.db, t.as('dispatcher'), files[0].id);
    expect(opened.bytes.byteLength).toBeGreaterThan(0);
    expect(await gpsOf(opened.bytes)).toBeNull();
    expect(Buffer.from(opened.bytes).equals(Buffer.from(photo.bytes))).toBe(false);
  });

  it("keeps a photo's GPS when the citizen shares its place", async () => {
    const { phone, code } = await coded();
    const photo = await jpeg();
    const r = await submitWebAppeal(servicesAt(at(1000)), await form(phone, code, { sharePlace: 'on' }), SITE, [photo]);
    const [file] = await t.sql<{ id: number }>('select id from attachment where appeal_id = ?', [r.id]);
    const opened = await openAttachment(t.db, t.as('dispatcher'), file.id);
    expect(Buffer.from(opened.bytes).equals(Buffer.from(photo.bytes))).toBe(true);
    expect(await gpsOf(opened.bytes)).toEqual({
      lat: expect.closeTo(PHOTO_PLACE.lat, 4),
      lng: expect.closeTo(PHOTO_PLACE.lng, 4),
    });
  });

  it('refuses seven photos, a non-image and a bad point, writing nothing and leaving the code unspent', async () => {
    const { phone, code } = await coded();
    const before = await written();
    const seven = await Promise.all(Array.from({ length: 7 }, (_, i) => jpeg(`${i}.jpg`)));
    await expect(submitWebAppeal(servicesAt(at(1000)), await form(phone, code), SITE, seven)).rejects.toMatchObject({
      fieldErrors: { photos: ['最多上传 6 张照片'] },
    });
    const pdf = { name: '说明.pdf', type: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.7\n%…') };
    const exe = { name: 'photo.jpg', type: 'image/jpeg', bytes: new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0]) };
    for (const bad of [pdf, exe])
      await expect(
        submitWebAppeal(servicesAt(at(1000)), await form(phone, code), SITE, [await jpeg(), bad]),
      ).rejects.toMatchObject({ fieldErrors: { photos: [expect.any(String)] } });
    const points: [Record<string, string>, string][] = [
      [{ lat: '91', lng: '120.12' }, 'lat'],
      [{ lat: '30.21', lng: 'east' }, 'lng'],
      [{ lat: '30.21' }, 'lat'],
      // A real place, but not in this city.
      [{ lat: '39.9075', lng: '116.3972' }, 'lat'],
    ];
    for (const [point, field] of points)
      await expect(
        submitWebAppeal(servicesAt(at(1000)), await form(phone, code, point), SITE, [await jpeg()]),
      ).rejects.toMatchObject({ fieldErrors: { [field]: [expect.any(String)] } });
    expect(await written()).toEqual(before);
    // The code was never spent: with six photos the same code files it.
    const six = seven.slice(0, 6);
    const r = await submitWebAppeal(servicesAt(at(2000)), await form(phone, code), SITE, six);
    expect(await count('attachment', 'appeal_id = ?', [r.id])).toBe(6);
  });

  it('writes nothing, not even the photos, when the code is wrong', async () => {
    const { phone, code } = await coded();
    const before = await written();
    const wrong = code === '000000' ? '111111' : '000000';
    await expect(
      submitWebAppeal(servicesAt(at(1000)), await form(phone, wrong), SITE, [await jpeg()]),
    ).rejects.toMatchObject({ fieldErrors: { code: [expect.any(String)] } });
    expect(await written()).toEqual(before);
  });

  it("gives the dispatcher the intake's duplicate hints for a web appeal in triage, never itself", async () => {
    const phone = freshPhone();
    const first = await fileWebAppeal(t, phone, { codeAt: T0, now: at(1000), over: PLACE_AND_NAME });
    const second = await fileWebAppeal(t, phone, { codeAt: at(120_000), now: at(121_000), over: PLACE_AND_NAME });
    const hints = await triageDuplicateHints(t.em(), t.as('dispatcher'), second.id);
    expect(hints.map((h) => h.number)).toContain(first.number);
    expect(hints.map((h) => h.id)).not.toContain(second.id);
    expect(hints.find((h) => h.id === first.id)!.reason).toBe('sameCaller');
    // Only for the dispatch desk, and only while it waits there.
    expect(await triageDuplicateHints(t.em(), t.as('handler'), second.id)).toEqual([]);
    await applyEvent(t.services, {
      appealId: second.id,
      type: 'DISPATCH',
      payload: { departmentId: t.ids.departments.get('F02')! },
      actor: t.as('dispatcher'),
    });
    expect(await triageDuplicateHints(t.em(), t.as('dispatcher'), second.id)).toEqual([]);
  });

  it('tracks through dispatch, the approved answer and the callback, with no staff names or notes', async () => {
    const phone = freshPhone();
    const r = await fileWebAppeal(t, phone, { codeAt: T0, now: at(1000), over: PLACE_AND_NAME });
    expect((await trackAppeal(t.em(), r.token)).steps.map((s) => s.kind)).toEqual(['received']);
    const dept = t.ids.departments.get('F02')!;
    const step = (user: string, type: string, payload: Record<string, unknown> = {}) =>
      applyEvent(t.services, { appealId: r.id, type, payload, actor: t.as(user) });
    await step('dispatcher', 'DISPATCH', { departmentId: dept });
    await step('handler', 'ACCEPT');
    await step('handler', 'NOTE', { text: '内部备注：联系了物业经理张三' });
    await step('handler', 'REPLY', { result: '已更换路灯灯头，恢复照明。', resolved: true });
    const answeredBefore = await trackAppeal(t.em(), r.token);
    // Not approved yet: the department's reply is not the hotline's answer.
    expect(answeredBefore.steps.map((s) => s.kind)).toEqual(['received', 'dispatched']);
    expect(answeredBefore.status).toBe('handling');
    await step('reviewer', 'APPROVE_REPLY');
    const answered = await trackAppeal(t.em(), r.token);
    expect(answered.status).toBe('answered');
    expect(answered.steps).toMatchObject([
      { kind: 'received' },
      { kind: 'dispatched', department: expect.any(String) },
      { kind: 'answered', answer: '已更换路灯灯头，恢复照明。' },
    ]);
    // Answered: the citizen is asked to rate on the site (no phone callback, so no 答复通知).
    const sms = await t.sql<{ template: string; body: string }>(
      'select template, body from sms_outbox where appeal_id = ? order by id',
      [r.id],
    );
    expect(sms.map((s) => s.template)).toEqual(['received', 'tracking', 'rate']);
    expect(sms[2].body).toContain(r.number);
    expect(sms[2].body).toMatch(/https?:\/\/\S+\/c /);
    expect(sms[2].body).not.toContain(r.token);
    await step('reviewer', 'FEEDBACK', { satisfaction: 'satisfied', resolved: true });
    const closed = await trackAppeal(t.em(), r.token);
    expect(closed.status).toBe('closed');
    expect(closed.steps.at(-1)).toMatchObject({ kind: 'feedback', satisfaction: 'satisfied' });
    const shown = JSON.stringify(closed);
    expect(shown).not.toContain('内部备注');
    expect(shown).not.toContain('张三');
    const staff = await t.sql<{ display_name: string }>('select display_name from app_user');
    for (const u of staff) expect(shown).not.toContain(u.display_name);
    expect(shown).not.toContain(phone);
  });

  it("takes the citizen's rating as the callback: dissatisfied goes to the reviewer, who has it redone", async () => {
    const phone = freshPhone();
    const r = await fileWebAppeal(t, phone, { codeAt: T0, now: at(1000), over: PLACE_AND_NAME });
    const step = (user: string, type: string, payload: Record<string, unknown> = {}) =>
      applyEvent(t.services, { appealId: r.id, type, payload, actor: t.as(user) });
    const phaseOf = async () =>
      (await t.sql<{ phase: string }>('select phase from appeal where id = ?', [r.id]))[0].phase;
    // Not answered yet: nothing to rate.
    expect((await trackAppeal(t.em(), r.token)).mayRate).toBe(false);
    const rating = { satisfaction: 'dissatisfied', resolved: 'no', comment: '摊位第二天又摆出来了' };
    await expect(rateWebAppeal(t.services, r.token, rating)).rejects.toBeInstanceOf(Conflict);
    await step('dispatcher', 'DISPATCH', { departmentId: t.ids.departments.get('F02')! });
    await step('handler', 'ACCEPT');
    await step('handler', 'REPLY', { result: '已劝导商户撤回摊位。', resolved: true });
    await step('reviewer', 'APPROVE_REPLY');
    expect((await trackAppeal(t.em(), r.token)).mayRate).toBe(true);
    // Bad input and a wrong link change nothing.
    const version = async () =>
      (await t.sql<{ version: number }>('select version from appeal where id = ?', [r.id]))[0].version;
    const before = await version();
    await expect(
      rateWebAppeal(t.services, r.token, { satisfaction: 'great', resolved: 'maybe' }),
    ).rejects.toMatchObject({
      fieldErrors: { satisfaction: [expect.any(String)], resolved: [expect.any(String)] },
    });
    await expect(rateWebAppeal(t.services, 'A'.repeat(32), rating)).rejects.toBeInstanceOf(NotFound);
    expect(await version()).toBe(before);

    await rateWebAppeal(t.services, r.token, rating);
    expect(await phaseOf()).toBe('callback.dissatisfied');
    const [feedback] = await t.sql<{ actor_role: string; payload: { comment: string; resolved: boolean } }>(
      `select actor_role, payload from appeal_event where appeal_id = ? and type = 'FEEDBACK'`,
      [r.id],
    );
    expect(feedback).toMatchObject({ actor_role: 'citizen', payload: { comment: rating.comment, resolved: false } });
    // Rated once: a second rating is not now.
    await expect(rateWebAppeal(t.services, r.token, rating)).rejects.toBeInstanceOf(Conflict);
    await step('reviewer', 'REDO', { reason: '市民反映摊位又出现，请重新处理' });
    expect(await phaseOf()).toBe('handling.working');
    const tracked = await trackAppeal(t.em(), r.token);
    expect(tracked.steps.map((s) => s.kind).slice(-2)).toEqual(['feedback', 'redo']);
    expect(tracked.status).toBe('handling');
    expect(tracked.mayRate).toBe(false);

    // Answered again and rated satisfied: closed.
    await step('handler', 'REPLY', { result: '已联合市场监管部门落实长效管理。', resolved: true });
    await step('reviewer', 'APPROVE_REPLY');
    await rateWebAppeal(t.services, r.token, { satisfaction: 'satisfied', resolved: 'yes' });
    expect(await phaseOf()).toBe('closed');
    expect((await trackAppeal(t.em(), r.token)).status).toBe('closed');
  });

  it('finds nothing for a wrong, guessed or malformed link, and a citizen acts only on web appeals', async () => {
    const phone = freshPhone();
    const r = await fileWebAppeal(t, phone, { codeAt: T0, now: at(1000), over: PLACE_AND_NAME });
    const flipped = (r.token[0] === 'A' ? 'B' : 'A') + r.token.slice(1);
    await expect(trackAppeal(t.em(), flipped)).rejects.toBeInstanceOf(NotFound);
    await expect(trackAppeal(t.em(), r.number)).rejects.toBeInstanceOf(NotFound);
    await expect(trackAppeal(t.em(), "x' or 1=1 --")).rejects.toBeInstanceOf(NotFound);
    const scope = {
      leadDepartmentId: null,
      assignedGridId: null,
      gridId: null,
      departmentIds: [],
      referralAgencyIds: [],
    };
    expect(canSeeAppeal(CITIZEN_ACTOR, { ...scope, createdById: null })).toBe(true);
    expect(canSeeAppeal(CITIZEN_ACTOR, { ...scope, createdById: t.ids.users.get('operator')!.id })).toBe(false);
  });
});
