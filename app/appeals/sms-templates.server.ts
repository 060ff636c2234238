import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { SideWrite } from '../cases/transition.server';
import { all } from '../db/sql.server';

// Messages to citizens: which kinds there are, the placeholders their texts may use, and how a step
// queues one with the current text of its template (rendered in the statement that writes the row, so the
// text is the one of the step's own transaction).

export const SMS_TEMPLATE_CODES = ['received', 'replied', 'reopened'] as const;
export type SmsTemplateCode = (typeof SMS_TEMPLATE_CODES)[number];

/** What a template may say; the appeal number is required in every one, so the citizen can quote it. */
export const SMS_PLACEHOLDERS = ['appealNo', 'dueAt'] as const;
export type SmsPlaceholder = (typeof SMS_PLACEHOLDERS)[number];
export type SmsValues = Record<SmsPlaceholder, string>;

/** The texts the migration seeds; used when a template row is missing. */
export const DEFAULT_SMS_TEMPLATES: Record<SmsTemplateCode, { name: string; body: string }> = {
  received: { name: '受理通知', body: '【12345】您的诉求已受理，编号 {appealNo}，办理时限 {dueAt}。' },
  replied: { name: '答复通知', body: '【12345】您的诉求 {appealNo} 已办理答复，稍后将回访，感谢您的监督。' },
  reopened: { name: '重新受理通知', body: '【12345】您的诉求 {appealNo} 已重新受理。' },
};

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** A template's text: 5–300 characters, {appealNo} in it, no placeholder the steps do not fill. */
export const smsTemplateBody = z
  .string({ message: '此项为必填' })
  .trim()
  .min(5, '短信内容至少 5 个字')
  .max(300, '短信内容最多 300 个字')
  .refine((body) => body.includes('{appealNo}'), '短信内容必须包含诉求编号 {appealNo}')
  .refine(
    (body) => [...body.matchAll(PLACEHOLDER)].every((m) => (SMS_PLACEHOLDERS as readonly string[]).includes(m[1])),
    '只能使用 {appealNo} 和 {dueAt} 两个占位符',
  );

/** The text a citizen receives: every placeholder replaced by its value. */
export function renderSmsTemplate(body: string, values: SmsValues): string {
  return body.replace(PLACEHOLDER, (whole, name: string) =>
    (SMS_PLACEHOLDERS as readonly string[]).includes(name) ? values[name as SmsPlaceholder] : whole,
  );
}

/**
 * Queues a message for the changed appeal with its template's current text, rendered in the same statement
 * (placeholders replaced in the order of SMS_PLACEHOLDERS, as renderSmsTemplate does).
 */
export function queueTemplatedSms(phone: string, code: SmsTemplateCode, values: SmsValues, now: Date): SideWrite {
  let body = 'coalesce((select t.body from sms_template t where t.code = ?), ?)';
  const params: unknown[] = [code, DEFAULT_SMS_TEMPLATES[code].body];
  for (const name of SMS_PLACEHOLDERS) {
    body = `replace(${body}, ?, ?)`;
    params.push(`{${name}}`, values[name]);
  }
  return {
    sql: `insert into sms_outbox (appeal_id, phone, template, body, status, created_at, updated_at)
          select id, ?, ?, ${body}, 'pending', ?, ? from changed`,
    params: [phone, code, ...params, now, now],
  };
}

export interface SmsTemplateRow {
  code: SmsTemplateCode;
  name: string;
  body: string;
  updatedAt: Date;
  updatedBy: string | null;
}

/** Every template, in the order of the steps that send them. */
export async function listSmsTemplates(em: EntityManager): Promise<SmsTemplateRow[]> {
  const rows = await all<{ code: SmsTemplateCode; name: string; body: string; updated_at: Date; who: string | null }>(
    em,
    `select t.code, t.name, t.body, t.updated_at, u.display_name as who
       from sms_template t left join app_user u on u.id = t.updated_by_id`,
  );
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return SMS_TEMPLATE_CODES.filter((c) => byCode.has(c)).map((c) => {
    const r = byCode.get(c)!;
    return { code: c, name: r.name, body: r.body, updatedAt: new Date(r.updated_at), updatedBy: r.who };
  });
}
