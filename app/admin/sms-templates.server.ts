import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import {
  SMS_PLACEHOLDER_LABELS,
  SMS_TEMPLATE_CODES,
  SMS_TEMPLATE_RULES,
  listSmsTemplates,
  renderSmsTemplate,
  smsTemplateBodyFor,
  type SmsTemplateCode,
  type SmsTemplateRow,
} from '../appeals/sms-templates.server';
import { localDateTime } from '../calendar/working-time';
import { inTransaction, one, run } from '../db/sql.server';
import { Forbidden, NotFound, parseInput } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';

// The admin's page of SMS templates: each text with a preview, and the audited change of one.

function requireAdmin(actor: Actor) {
  if (actor.role !== 'admin') throw new Forbidden('只有管理员可以维护短信模板');
}

const SAMPLE = {
  appealNo: '20261202-000123',
  dueAt: '2026-12-09 18:00',
  code: '428613',
  purpose: '提交诉求',
  link: 'https://12345.example.gov.cn/c/track/…',
};
const SITE_HOME_SAMPLE = 'https://12345.example.gov.cn/c';

export interface SmsTemplateView extends Omit<SmsTemplateRow, 'updatedAt'> {
  updatedAt: string;
  /** The placeholders this text may use, and whether it must. */
  placeholders: { name: string; label: string; required: boolean }[];
  /** The text as a citizen would read it, with a sample appeal's values. */
  preview: string;
}

export async function smsTemplatesForAdmin(em: EntityManager, actor: Actor): Promise<SmsTemplateView[]> {
  requireAdmin(actor);
  return (await listSmsTemplates(em)).map((t) => {
    const rule = SMS_TEMPLATE_RULES[t.code];
    return {
      ...t,
      updatedAt: localDateTime(t.updatedAt),
      placeholders: rule.allowed.map((name) => ({
        name,
        label: SMS_PLACEHOLDER_LABELS[name],
        required: (rule.required as readonly string[]).includes(name),
      })),
      // The rating request's link is the site's home, the tracking message's a private link.
      preview: renderSmsTemplate(t.code, t.body, t.code === 'rate' ? { ...SAMPLE, link: SITE_HOME_SAMPLE } : SAMPLE),
    };
  });
}

/** The code picks the rules its body is checked by. */
export const smsTemplateInput = z
  .object({ code: z.enum(SMS_TEMPLATE_CODES, { message: '短信模板不存在' }), body: z.unknown() })
  .transform((input, ctx) => {
    const body = smsTemplateBodyFor(input.code).safeParse(input.body);
    if (!body.success) {
      for (const issue of body.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['body'] });
      return z.NEVER;
    }
    return { code: input.code as SmsTemplateCode, body: body.data };
  });

/** Changes one template's text; the security audit records the old and new text. Messages already queued keep theirs. */
export async function updateSmsTemplate(
  em: EntityManager,
  actor: Actor,
  raw: unknown,
  client: RequestClient | null = null,
): Promise<{ changed: boolean }> {
  requireAdmin(actor);
  const input = parseInput(smsTemplateInput, raw);
  return inTransaction(em, async (tx) => {
    const current = await one<{ body: string }>(tx, 'select body from sms_template where code = ? for update', [
      input.code,
    ]);
    if (!current) throw new NotFound('短信模板不存在');
    if (current.body === input.body) return { changed: false };
    const now = new Date();
    await run(tx, 'update sms_template set body = ?, updated_by_id = ?, updated_at = ? where code = ?', [
      input.body,
      actor.userId,
      now,
      input.code,
    ]);
    await recordSecurityEvent(
      tx,
      {
        kind: 'settingChanged',
        actorId: actor.userId,
        client,
        detail: { setting: 'smsTemplate', code: input.code, from: current.body, to: input.body },
      },
      now,
    );
    return { changed: true };
  });
}
