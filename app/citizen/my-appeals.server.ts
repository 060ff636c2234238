import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { openCitizenSession } from '../auth/citizen-session.server';
import { localDateTime } from '../calendar/working-time';
import { all, inTransaction, one } from '../db/sql.server';
import { NotFound, parseInput } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import {
  PUBLIC_APPEAL_COLUMNS,
  publicAppealView,
  publicStatusOf,
  type PublicAppealRow,
  type PublicStatus,
  type TrackedAppeal,
} from './tracking.server';
import { codeField, mobilePhone, spendCode, verifyCode } from './verification.server';

// "My appeals" (我的诉求): a phone proved by an SMS code sees every appeal recorded with it as the contact phone, on
// any channel (the hotline and the site), and nothing else. Contact phones are kept in clear with their own index
// (appeal.caller_phone), so the list is one indexed lookup, never a scan.

const signInSchema = z.object({ phone: mobilePhone, code: codeField }).strict();

/** Checks the 'track' code and, in one transaction, spends it and opens the session; returns its Set-Cookie value. */
export async function signInByCode(
  em: EntityManager,
  raw: unknown,
  client: Pick<RequestClient, 'secure'> | null,
  now = new Date(),
): Promise<string> {
  const { phone, code } = parseInput(signInSchema, raw);
  const verified = await verifyCode(em, { phone, purpose: 'track', code }, now);
  return inTransaction(em, async (tx) => {
    await spendCode(tx, verified, now);
    return openCitizenSession(tx, phone, client, now);
  });
}

export interface MyAppeal {
  number: string;
  at: string;
  category: string;
  status: PublicStatus;
}

// Submitted appeals only: an operator's unfinished draft, or one voided as recorded by mistake, was never the
// citizen's appeal. Confidential ones are the citizen's own and are listed; so is one merged into another, under its
// own number (the appeal it joined may be someone else's).
const MINE = `a.caller_phone = ? and a.tags @> '{submitted}'`;

/** The phone's appeals, newest first (at most 100: a phone with more calls the hotline). */
export async function myAppeals(em: EntityManager, phone: string): Promise<MyAppeal[]> {
  const rows = await all<{ number: string; at: Date | string; category: string; phase: string }>(
    em,
    `select a.number, coalesce(a.submitted_at, a.created_at) as at, c.name as category, a.phase
       from appeal a join category c on c.id = a.category_id
      where ${MINE}
      order by coalesce(a.submitted_at, a.created_at) desc, a.id desc limit 100`,
    [phone],
  );
  return rows.map((r) => ({
    number: r.number,
    at: localDateTime(new Date(r.at)),
    category: r.category,
    status: publicStatusOf(r.phase),
  }));
}

/** One of the phone's appeals in the tracking page's view; another phone's, or no such number, are the same 404. */
export async function myAppeal(em: EntityManager, phone: string, number: string): Promise<TrackedAppeal> {
  const appeal = /^[0-9A-Za-z-]{1,40}$/.test(number)
    ? await one<PublicAppealRow>(
        em,
        `select ${PUBLIC_APPEAL_COLUMNS} from appeal a join category c on c.id = a.category_id
          where ${MINE} and a.number = ?`,
        [phone, number],
      )
    : null;
  if (!appeal) throw new NotFound('未找到该诉求');
  // The rating goes with the tracking link of a web appeal; this view only reads.
  return { ...(await publicAppealView(em, appeal)), mayRate: false };
}
