import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { SideWrite } from '../cases/transition.server';
import { all, one, run } from '../db/sql.server';

// Messages to citizens: which kinds there are, the placeholders each text must and may use, and how a step
// queues one with the current text of its template (rendered in the transaction that writes the row, so the
// text is the one of the step's own transaction).

export const SMS_TEMPLATE_CODES = ['verification', 'received', 'tracking', 'replied', 'rate', 'reopened'] as const;
export type SmsTemplateCode = (typeof SMS_TEMPLATE_CODES)[number];

export const SMS_PLACEHOLDERS = ['appealNo', 'dueAt', 'code', 'purpose', 'link'] as const;
export type SmsPlaceholder = (typeof SMS_PLACEHOLDERS)[number];

export interface SmsTemplateRule {
  name: string;
  /** The text the migration seeds; used when a template row is missing. */
  body: string;
  /** Placeholders the text must contain: what the message is for (the code, the number to quote, the link). */
  required: readonly SmsPlaceholder[];
  /** Every placeholder the step that sends it fills. */
  allowed: readonly SmsPlaceholder[];
}

export const SMS_TEMPLATE_RULES = {
  verification: {
    name: '短信验证码',
    body: '【12345】您的验证码是 {code}，5 分钟内有效，仅用于{purpose}，请勿告诉他人。',
    required: ['code'],
    allowed: ['code', 'purpose'],
  },
  received: {
    name: '受理通知',
    body: '【12345】您的诉求已受理，编号 {appealNo}，办理时限 {dueAt}。',
    required: ['appealNo'],
    allowed: ['appealNo', 'dueAt'],
  },
  tracking: {
    name: '查询链接',
    body: '【12345】诉求 {appealNo} 的办理进度请查看 {link} ，链接仅限本人使用，请勿转发。',
    required: ['appealNo', 'link'],
    allowed: ['appealNo', 'link'],
  },
  replied: {
    name: '答复通知',
    body: '【12345】您的诉求 {appealNo} 已办理答复，稍后将回访，感谢您的监督。',
    required: ['appealNo'],
    allowed: ['appealNo', 'dueAt'],
  },
  // The tracking link exists only in the first message (the server keeps its HMAC), so this one points at the
  // earlier message or the site, where the citizen signs in with the phone.
  rate: {
    name: '评价邀请',
    body: '【12345】您的诉求 {appealNo} 已办理答复，请打开此前短信中的查询链接，或在 {link} 用本机号码登录「我的诉求」查看答复并评价。',
    required: ['appealNo'],
    allowed: ['appealNo', 'link'],
  },
  reopened: {
    name: '重新受理通知',
    body: '【12345】您的诉求 {appealNo} 已重新受理。',
    required: ['appealNo'],
    allowed: ['appealNo', 'dueAt'],
  },
} as const satisfies Record<SmsTemplateCode, SmsTemplateRule>;

/** What each placeholder stands for, as the admin page explains it. */
export const SMS_PLACEHOLDER_LABELS: Record<SmsPlaceholder, string> = {
  appealNo: '诉求编号',
  dueAt: '办理时限',
  code: '6 位验证码',
  purpose: '验证码用途',
  link: '链接',
};

export type SmsValues<C extends SmsTemplateCode> = Record<(typeof SMS_TEMPLATE_RULES)[C]['allowed'][number], string>;

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** A template's text for `code`: 5–300 characters, its required placeholders in it, none its step does not fill. */
export function smsTemplateBodyFor(code: SmsTemplateCode) {
  const rule: SmsTemplateRule = SMS_TEMPLATE_RULES[code];
  const allowed = rule.allowed as readonly string[];
  return z
    .string({ message: '此项为必填' })
    .trim()
    .min(5, '短信内容至少 5 个字')
    .max(300, '短信内容最多 300 个字')
    .superRefine((body, ctx) => {
      for (const name of rule.required)
        if (!body.includes(`{${name}}`))
          ctx.addIssue({
            code: 'custom',
            message: `短信内容必须包含${SMS_PLACEHOLDER_LABELS[name]} {${name}}`,
          });
      if (![...body.matchAll(PLACEHOLDER)].every((m) => allowed.includes(m[1])))
        ctx.addIssue({
          code: 'custom',
          message: `只能使用占位符 ${allowed.map((n) => `{${n}}`).join('、')}`,
        });
    });
}

/** The text a citizen receives: every placeholder of the template replaced by its value. */
export function renderSmsTemplate<C extends SmsTemplateCode>(code: C, body: string, values: SmsValues<C>): string {
  const allowed = SMS_TEMPLATE_RULES[code].allowed as readonly string[];
  const v = values as Record<string, string>;
  return body.replace(PLACEHOLDER, (whole, name: string) => (allowed.includes(name) ? v[name] : whole));
}

// Only for an appeal filed on the site, or only for one that was not (the source never changes with a step).
const webFilter = (web: boolean | undefined) =>
  web === undefined
    ? ''
    : ` where ${web ? '' : 'not '}exists (select 1 from appeal a where a.id = changed.id and a.source = 'web')`;

/** The public site's home, where a citizen signs in to see their appeals: PUBLIC_ORIGIN, else this server. */
export const citizenSiteHome = () =>
  `${(process.env.PUBLIC_ORIGIN ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, '')}/c`;

/**
 * Queues a message for the changed appeal with its template's current text, rendered in the same statement
 * (placeholders replaced one after another, as renderSmsTemplate does; values never hold a placeholder).
 */
export function queueTemplatedSms<C extends SmsTemplateCode>(
  phone: string,
  code: C,
  values: SmsValues<C>,
  now: Date,
  opts: { webAppeal?: boolean } = {},
): SideWrite {
  let body = 'coalesce((select t.body from sms_template t where t.code = ?), ?)';
  const params: unknown[] = [code, SMS_TEMPLATE_RULES[code].body];
  for (const name of SMS_TEMPLATE_RULES[code].allowed) {
    body = `replace(${body}, ?, ?)`;
    params.push(`{${name}}`, (values as Record<string, string>)[name]);
  }
  return {
    sql: `insert into sms_outbox (appeal_id, phone, template, body, status, created_at, updated_at)
          select id, ?, ?, ${body}, 'pending', ?, ? from changed${webFilter(opts.webAppeal)}`,
    params: [phone, code, ...params, now, now],
  };
}

/** Queues a message in the caller's transaction with the template's current text (steps outside the appeal's write). */
export async function queueSmsIn<C extends SmsTemplateCode>(
  tx: EntityManager,
  message: { appealId: number | null; phone: string; code: C; values: SmsValues<C> },
  now: Date,
): Promise<void> {
  const row = await one<{ body: string }>(tx, 'select body from sms_template where code = ?', [message.code]);
  const text = renderSmsTemplate(message.code, row?.body ?? SMS_TEMPLATE_RULES[message.code].body, message.values);
  await run(
    tx,
    `insert into sms_outbox (appeal_id, phone, template, body, status, created_at, updated_at)
     values (?, ?, ?, ?, 'pending', ?, ?)`,
    [message.appealId, message.phone, message.code, text, now, now],
  );
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
