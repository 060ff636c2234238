import { admin } from './admin';
import { apiClients } from './api-clients';
import { appeal } from './appeal';
import { assess } from './assess';
import { beneficiaryCallbacks } from './beneficiary-callbacks';
import { blockedNumbers } from './blocked-numbers';
import { citizen } from './citizen';
import { cityEvents } from './city-events';
import { common } from './common';
import { dayIntake } from './day-intake';
import { dispatch } from './dispatch';
import { field } from './field';
import { fieldDay } from './field-day';
import { firms } from './firms';
import { gridView } from './grid-view';
import { grids } from './grids';
import { handler } from './handler';
import { intake } from './intake';
import { appealLocation } from './location';
import { messages } from './messages';
import { mfa } from './mfa';
import { patrol } from './patrol';
import { policies } from './policies';
import { policyHandover } from './policy-handover';
import { policyEvaluation } from './policy-evaluation';
import { policyRecords } from './policy-records';
import { queues } from './queues';
import { reportExports } from './report-exports';
import { referralDocuments } from './referral-documents';
import { referrals } from './referrals';
import { reports } from './reports';
import { review } from './review';
import { security } from './security';
import { softphone } from './softphone';
import { telephony } from './telephony';
import { verification } from './verification';
import { webhooks } from './webhooks';

/** English for every Chinese UI string, gathered per area of the app. */
export const en: Record<string, string> = {
  ...webhooks,
  ...citizen,
  ...blockedNumbers,
  ...cityEvents,
  ...policyRecords,
  ...policyHandover,
  ...beneficiaryCallbacks,
  ...dispatch,
  ...common,
  ...appeal,
  ...intake,
  ...admin,
  ...apiClients,
  ...messages,
  ...telephony,
  ...softphone,
  ...gridView,
  ...grids,
  ...field,
  ...fieldDay,
  ...appealLocation,
  ...verification,
  ...patrol,
  ...reportExports,
  ...reports,
  ...referrals,
  ...referralDocuments,
  ...security,
  ...mfa,
  ...dayIntake,
  ...review,
  ...handler,
  ...assess,
  ...queues,
  ...firms,
  ...policies,
  ...policyEvaluation,
};
