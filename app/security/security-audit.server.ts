import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Actor } from '../../machines/actor';
import { SECURITY_EVENT_KINDS, type SecurityEventKind } from '../../entities/security-event';
import { isValidLocalDate } from '../calendar/working-time';
import { all, jsonb } from '../db/sql.server';
import { Forbidden } from '../domain/errors';
import { can } from '../domain/permissions';

// Reading the security audit (安全审计) for the admin's page: filters and pages, never a write. The table itself
// refuses update and delete, so what is shown is what was recorded.

export const AUDIT_PAGE_SIZE = 50;
/** The kinds the page's filter offers. */
export const AUDIT_KINDS: readonly SecurityEventKind[] = SECURITY_EVENT_KINDS;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const localDate = z.preprocess(
  blank,
  z
    .string()
    .refine((d) => isValidLocalDate(d))
    .optional()
    .catch(undefined),
);

export const auditFilterInput = z.object({
  kind: z.preprocess(blank, z.enum(SECURITY_EVENT_KINDS).optional().catch(undefined)),
  /** Matches who acted, whom it was about, or the name typed at a failed sign-in. */
  user: z.preprocess(blank, z.string().trim().max(64).optional().catch(undefined)),
  ip: z.preprocess(blank, z.string().trim().max(64).optional().catch(undefined)),
  /** Local (Asia/Shanghai) dates, both ends included. */
  from: localDate,
  to: localDate,
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type AuditFilter = z.infer<typeof auditFilterInput>;

export interface AuditRow {
  id: number;
  at: string;
  /** Local time to the second, as shown. */
  atLocal: string;
  kind: SecurityEventKind;
  actor: string | null;
  subject: string | null;
  username: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown>;
}

export interface AuditPage {
  rows: AuditRow[];
  page: number;
  /** Whether a further page exists. */
  more: boolean;
}

/** Start of a local day as an instant (China has one offset and no daylight saving). */
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

export async function listSecurityEvents(em: EntityManager, actor: Actor, raw: unknown): Promise<AuditPage> {
  if (!can(actor, 'security:audit')) throw new Forbidden('只有管理员可以查看安全审计');
  const f = auditFilterInput.parse(raw);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, ...values: unknown[]) => {
    where.push(condition);
    params.push(...values);
  };
  if (f.kind) add('e.kind = ?', f.kind);
  if (f.user)
    add(
      '(lower(a.username) = lower(?) or lower(s.username) = lower(?) or lower(e.username) = lower(?))',
      f.user,
      f.user,
      f.user,
    );
  if (f.ip) add('e.ip = ?', f.ip);
  if (f.from) add('e.at >= ?', dayStart(f.from));
  if (f.to) add('e.at < ?', new Date(dayStart(f.to).getTime() + 86_400_000));
  const rows = await all(
    em,
    `select e.id, e.at, e.kind, a.username as actor, s.username as subject, e.username, e.ip, e.user_agent, e.detail
       from security_event e left join app_user a on a.id = e.actor_id left join app_user s on s.id = e.subject_id
      ${where.length ? `where ${where.join(' and ')}` : ''}
      order by e.at desc, e.id desc limit ? offset ?`,
    [...params, AUDIT_PAGE_SIZE + 1, (f.page - 1) * AUDIT_PAGE_SIZE],
  );
  return {
    rows: rows.slice(0, AUDIT_PAGE_SIZE).map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      atLocal: new Date(new Date(r.at).getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '),
      kind: r.kind,
      actor: r.actor,
      subject: r.subject,
      username: r.username,
      ip: r.ip,
      userAgent: r.user_agent,
      detail: jsonb<Record<string, unknown>>(r.detail) ?? {},
    })),
    page: f.page,
    more: rows.length > AUDIT_PAGE_SIZE,
  };
}
