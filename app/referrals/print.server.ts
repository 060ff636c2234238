import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { restoreReferralSnapshot } from '../../machines/referral-kit';
import { referralDefinition } from '../../machines/referrals';
import type { AccessLogField } from '../../entities/access-log';
import { all, inTransaction, jsonb, one, run, type Row } from '../db/sql.server';
import { Forbidden, NotFound } from '../domain/errors';
import type { RequestClient } from '../http/client.server';
import { recordSecurityEvent } from '../security/security-log.server';
import { openIdNumber } from '../security/id-number.server';
import { agreementPdf, type AgreementPdfInput } from './agreement-pdf.server';
import { awardPdf, type AwardPdfInput } from './award-pdf.server';
import { canPrintReferralDocument, canSeeReferral } from './scope';

// The legal documents a referral case prints name its parties in full (decision 025): the ID numbers
// are opened for the print only, only the agency's staff and the supervisor may print, and every
// print is recorded in the access log and the security audit in the transaction that reads the data:
// no record, no document.

export const REFERRAL_DOCUMENTS = ['agreement', 'award'] as const;
export type ReferralPrintDocument = (typeof REFERRAL_DOCUMENTS)[number];

const LOGGED: Record<ReferralPrintDocument, AccessLogField> = {
  agreement: 'mediationAgreement',
  award: 'arbitrationAward',
};

export interface PrintedDocument {
  fileName: string;
  pdf: Buffer;
}

interface Loaded {
  row: Row;
  ctx: Row;
  appeal: { number: string; title: string };
  handlerName: string;
}

async function loadForPrint(tx: EntityManager, actor: Actor, id: number): Promise<Loaded> {
  const row = await one(
    tx,
    `select r.id, r.number, r.kind, r.agency_id, r.appeal_id, r.handler_id, r.snapshot, d.name as agency_name,
            a.number as appeal_number, a.title as appeal_title, u.display_name as handler_name
       from referral r join department d on d.id = r.agency_id join appeal a on a.id = r.appeal_id
       left join app_user u on u.id = r.handler_id
      where r.id = ?`,
    [id],
  );
  if (!row || !canSeeReferral(actor, { agencyId: row.agency_id })) throw new NotFound('转介案件不存在');
  if (!canPrintReferralDocument(actor, { agencyId: row.agency_id }))
    throw new Forbidden('只有承办机构的工作人员和值班长可以打印载有当事人完整信息的文书');
  const snapshot = restoreReferralSnapshot(referralDefinition(row.kind), jsonb(row.snapshot));
  return {
    row,
    ctx: snapshot.context as Row,
    appeal: { number: row.appeal_number, title: row.appeal_title },
    handlerName: row.handler_name ?? '',
  };
}

function agreementInput({ row, ctx, appeal, handlerName }: Loaded): AgreementPdfInput {
  if (row.kind !== 'mediation' || !ctx.agreement) throw new NotFound('该案件没有调解协议');
  return {
    number: row.number,
    agencyName: row.agency_name,
    appealNumber: appeal.number,
    disputeTitle: appeal.title,
    parties: (ctx.parties as Row[]).map((p) => ({
      id: p.id,
      name: p.name,
      side: p.side,
      phone: p.phone ?? null,
      idNumber: openIdNumber(p.idNumberSealed ?? null),
      address: p.address ?? null,
    })),
    mediatorName: handlerName,
    sessions: ctx.sessions,
    agreement: ctx.agreement,
    confirmation: ctx.confirmation,
  };
}

function awardInput({ row, ctx, appeal, handlerName }: Loaded): AwardPdfInput {
  if (row.kind !== 'arbitration' || !ctx.award) throw new NotFound('该案件没有仲裁裁决');
  if (!ctx.parties) throw new NotFound('该案件未登记当事人');
  const { applicant, respondent, claims } = ctx.parties;
  return {
    number: row.number,
    agencyName: row.agency_name,
    appealNumber: appeal.number,
    disputeTitle: appeal.title,
    applicant: { ...applicant, idNumber: openIdNumber(applicant.idNumberSealed) },
    respondent,
    claims,
    arbitratorName: handlerName,
    hearings: ctx.hearings,
    award: ctx.award,
  };
}

/** Prints the case's agreement or award for someone allowed to, recording the print first. */
export async function printReferralDocument(
  em: EntityManager,
  actor: Actor,
  referralId: number,
  document: ReferralPrintDocument,
  client: RequestClient | null = null,
  now = new Date(),
): Promise<PrintedDocument> {
  const input = await inTransaction(em, async (tx) => {
    const loaded = await loadForPrint(tx, actor, referralId);
    const data = document === 'agreement' ? agreementInput(loaded) : awardInput(loaded);
    const field = LOGGED[document];
    await run(tx, 'insert into access_log (user_id, appeal_id, referral_id, field, at) values (?, ?, ?, ?, ?)', [
      actor.userId,
      loaded.row.appeal_id,
      referralId,
      field,
      now,
    ]);
    await recordSecurityEvent(
      tx,
      { kind: 'reveal', actorId: actor.userId, client, detail: { referralId, field } },
      now,
    );
    return data;
  });
  const pdf =
    document === 'agreement' ? await agreementPdf(input as AgreementPdfInput) : await awardPdf(input as AwardPdfInput);
  return { fileName: `${input.number}.pdf`, pdf };
}

export interface ReferralPrintLogEntry {
  who: string;
  field: AccessLogField;
  at: Date;
}

/** Who printed the case's documents, newest first: for the supervisor and the agency's staff. */
export async function referralPrintLog(
  em: EntityManager,
  actor: Actor,
  referralId: number,
  agencyId: number,
): Promise<ReferralPrintLogEntry[]> {
  if (!canPrintReferralDocument(actor, { agencyId })) return [];
  return all<ReferralPrintLogEntry>(
    em,
    `select u.display_name as who, l.field, l.at from access_log l join app_user u on u.id = l.user_id
      where l.referral_id = ? order by l.id desc limit 50`,
    [referralId],
  );
}
