import { createHmac, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { createDraftIn } from '../appeals/intake.server';
import { queueSmsIn } from '../appeals/sms-templates.server';
import { applyEvent, type AppealServices } from '../appeals/service.server';
import { sessionSecret } from '../auth/session.server';
import { CITIZEN_ACTOR } from '../cases/actor';
import { all, inTransaction, run } from '../db/sql.server';
import { addStepFiles } from '../appeals/attachments.server';
import { InvalidInput, parseInput } from '../domain/errors';
import { refuseBlockedPhone } from './blocked-numbers.server';
import { cityBounds, gridForPoint, pointQuery } from '../grids/grids.server';
import type { UploadedFile } from '../storage/stored-file.server';
import { preparePhotos } from './photos.server';
import { codeField, mobilePhone, spendCode, verifyCode } from './verification.server';
import { WEB_APPEAL_TYPES } from './web-appeal-types';

// An appeal a citizen files on the public site: the phone proved by an SMS code, then the same closed loop as a
// recorded call (source 网站, submitted into triage for the dispatcher), and a private tracking link sent by SMS.
// Its photos are the appeal's attachments and its map point the appeal's point, as intake records them.

const onOff = z
  .enum(['on', 'true', 'false', ''])
  .optional()
  .transform((v) => v === 'on' || v === 'true');

const blank = (v: unknown) => (v === '' || v === null ? undefined : v);

export const webAppealSchema = z
  .object({
    type: z.enum(WEB_APPEAL_TYPES, { message: '请选择诉求类型' }),
    categoryId: z.coerce.number({ message: '请选择诉求分类' }).int().positive('请选择诉求分类'),
    content: z
      .string({ message: '请描述您的诉求' })
      .trim()
      .min(10, '请至少写 10 个字，说清楚事情、地点和您的诉求')
      .max(2000, '最多 2000 字'),
    address: z.string().trim().max(200, '地址最多 200 字').optional(),
    // The place picked on the map: both coordinates or neither (the typed address is enough).
    lat: z.preprocess(blank, pointQuery.shape.lat.optional()),
    lng: z.preprocess(blank, pointQuery.shape.lng.optional()),
    /** 分享照片位置: the photos keep their metadata, their GPS position with it. */
    sharePlace: onOff,
    phone: mobilePhone,
    code: codeField,
    name: z.string().trim().max(50, '称呼最多 50 字').optional(),
    confidential: onOff,
    consent: z.literal('on', { message: '请阅读并同意个人信息处理规则' }),
  })
  .strict()
  .refine((f) => (f.lat === undefined) === (f.lng === undefined), {
    message: '位置不完整，请在地图上重新选择',
    path: ['lat'],
  });
export type WebAppealInput = z.input<typeof webAppealSchema>;

/** The categories a citizen picks from: the second level of the tree, under the first. */
export async function publicCategories(em: EntityManager) {
  const rows = await all<{ id: number; name: string; group_id: number; group_name: string }>(
    em,
    `select c.id, c.name, g.id as group_id, g.name as group_name
       from category c join category g on g.id = c.parent_id
      where c.active and g.active and g.parent_id is null
      order by g.code, c.code`,
  );
  const groups = new Map<number, { id: number; name: string; categories: { id: number; name: string }[] }>();
  for (const r of rows) {
    const g = groups.get(r.group_id) ?? { id: r.group_id, name: r.group_name, categories: [] };
    g.categories.push({ id: r.id, name: r.name });
    groups.set(r.group_id, g);
  }
  return [...groups.values()];
}

export const trackingTokenHash = (token: string) =>
  createHmac('sha256', sessionSecret()).update(`appeal-tracking:${token}`).digest('hex');

/** The address of an appeal's tracking page on the public site. */
export const trackingPath = (token: string) => `/c/track/${token}`;

/** The picked point, refused outside the city; with it, the grid it falls in (as intake decides it, by the point). */
async function placeOf(em: EntityManager, input: { lat?: number; lng?: number }) {
  if (input.lat === undefined || input.lng === undefined) return {};
  const point = { lat: input.lat, lng: input.lng };
  const city = await cityBounds(em);
  const inCity =
    !city || (point.lat >= city.south && point.lat <= city.north && point.lng >= city.west && point.lng <= city.east);
  if (!inCity) throw new InvalidInput('所选位置不在本市范围内', { lat: ['所选位置不在本市范围内，请重新选择'] });
  return { ...point, gridId: (await gridForPoint(em, point))?.id };
}

/**
 * Files the appeal: fields, place and photos are checked first, then the code (a wrong one counts a try and writes
 * nothing else), then in one transaction the code is spent, the appeal recorded with its point and submitted by the
 * citizen, its photos added (stripped of their metadata unless the citizen shares their place), its tracking link
 * stored as an HMAC, and the link queued by SMS. `siteUrl` is the public site's origin the link points at.
 */
export async function submitWebAppeal(
  services: AppealServices,
  raw: unknown,
  siteUrl: string,
  photos: UploadedFile[] = [],
): Promise<{ id: number; number: string; token: string }> {
  const input = parseInput(webAppealSchema, raw);
  const em = services.db.em();
  const place = await placeOf(em, input);
  const files = await preparePhotos(photos, { sharePlace: input.sharePlace });
  const [category] = await all<{ name: string }>(
    em,
    'select c.name from category c join category g on g.id = c.parent_id where c.id = ? and c.active and g.active',
    [input.categoryId],
  );
  if (!category) throw new InvalidInput('请选择诉求分类', { categoryId: ['请选择诉求分类'] });
  const now = services.now?.() ?? new Date();
  await refuseBlockedPhone(em, input.phone, 'submit', null, now);
  const code = await verifyCode(em, { phone: input.phone, purpose: 'submit', code: input.code }, now);
  const token = randomBytes(24).toString('base64url');
  return inTransaction(em, async (tx) => {
    await spendCode(tx, code, now);
    const draft = await createDraftIn(
      tx,
      CITIZEN_ACTOR,
      {
        source: 'web',
        type: input.type,
        categoryId: input.categoryId,
        callerPhone: input.phone,
        citizenName: input.name || undefined,
        title: `${category.name}：${input.content.replace(/\s+/g, ' ')}`.slice(0, 40),
        content: input.content,
        address: input.address || undefined,
        ...place,
        confidential: input.confidential,
      },
      now,
    );
    await addStepFiles(tx, CITIZEN_ACTOR, draft.id, files, now);
    await applyEvent(
      { ...services, now: () => now },
      { appealId: draft.id, type: 'SUBMIT', actor: CITIZEN_ACTOR, payload: {} },
      { tx },
    );
    await run(tx, 'insert into appeal_tracking (appeal_id, token_hash, created_at) values (?, ?, ?)', [
      draft.id,
      trackingTokenHash(token),
      now,
    ]);
    await queueSmsIn(
      tx,
      {
        appealId: draft.id,
        phone: input.phone,
        code: 'tracking',
        values: { appealNo: draft.number, link: `${siteUrl}${trackingPath(token)}` },
      },
      now,
    );
    return { id: draft.id, number: draft.number, token };
  });
}
