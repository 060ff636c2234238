import { AccessLogSchema } from './access-log';
import { ApiCallSchema, ApiClientSchema, ApiRateWindowSchema } from './api-client';
import { AppealSchema } from './appeal';
import { AppealCounterSchema } from './appeal-counter';
import { AppealPolicySchema } from './appeal-policy';
import { AppealPolicyCitationSchema } from './appeal-policy-citation';
import { AppealEventSchema } from './appeal-event';
import { AssessmentSchemeSchema } from './assessment-scheme';
import { AssignmentSchema } from './assignment';
import { AttachmentSchema } from './attachment';
import { AuditEventSchema } from './audit-event';
import {
  BeneficiaryCallbackEventSchema,
  BeneficiaryCallbackSchema,
  CallbackSampleSchema,
} from './beneficiary-callback';
import { BaseSchema } from './base';
import { BlockedNumberSchema } from './blocked-number';
import { CalendarDaySchema } from './calendar-day';
import { CallSchema } from './call';
import { CallEventSchema } from './call-event';
import { CategorySchema } from './category';
import { CitizenSchema } from './citizen';
import { CityEventSchema, CityEventSignatureSchema, CityEventTypeSchema } from './city-event';
import { AppealTrackingSchema, CitizenCodeSchema, CitizenSessionSchema } from './citizen-web';
import { DailyReportSchema } from './daily-report';
import { DepartmentSchema } from './department';
import { DispatchCatalogueEntrySchema } from './dispatch-catalogue-entry';
import { FirmContactSchema, FirmSchema } from './firm';
import { GridSchema } from './grid';
import { KnowledgeArticleSchema } from './knowledge-article';
import { CategoryQuestionSchema, Open311TokenSchema } from './open311';
import {
  PolicyAttachmentSchema,
  PolicyEventSchema,
  PolicyItemSchema,
  PolicySchema,
  PolicyVersionSchema,
} from './policy';
import { PolicyEvaluationReportSchema } from './policy-evaluation-report';
import { PolicyPeriodSchema, PolicyRecordSchema, RecordUploadSchema } from './policy-record';
import { AppealFactSchema, OrderFactSchema, ReportCellSchema, ReportDirtySchema } from './report';
import { ReferralDocumentSchema, ReferralEventSchema, ReferralSchema } from './referral';
import { SecurityEventSchema } from './security-event';
import { SessionSchema } from './session';
import { SignInFailureSchema } from './sign-in-failure';
import { SmsOutboxSchema } from './sms-outbox';
import { SmsTemplateSchema } from './sms-template';
import { UserSchema } from './user';
import { AppSettingSchema } from './app-setting';
import { MfaChallengeSchema } from './mfa-challenge';
import { MfaRecoveryCodeSchema } from './mfa-recovery-code';
import { UserTotpSchema } from './user-totp';
import { WebhookDeliverySchema, WebhookSubscriptionSchema } from './webhook';

export const entities = [
  BaseSchema,
  AuditEventSchema,
  DepartmentSchema,
  UserSchema,
  GridSchema,
  CategorySchema,
  CitizenSchema,
  CitizenCodeSchema,
  AppealTrackingSchema,
  CitizenSessionSchema,
  AppealSchema,
  AppealEventSchema,
  AppealCounterSchema,
  AssignmentSchema,
  CallSchema,
  CallEventSchema,
  AttachmentSchema,
  CalendarDaySchema,
  SmsOutboxSchema,
  SmsTemplateSchema,
  SessionSchema,
  KnowledgeArticleSchema,
  AccessLogSchema,
  AppealFactSchema,
  OrderFactSchema,
  ReportCellSchema,
  ReportDirtySchema,
  DailyReportSchema,
  ReferralSchema,
  ReferralEventSchema,
  ReferralDocumentSchema,
  SecurityEventSchema,
  SignInFailureSchema,
  UserTotpSchema,
  MfaRecoveryCodeSchema,
  MfaChallengeSchema,
  AppSettingSchema,
  DispatchCatalogueEntrySchema,
  AssessmentSchemeSchema,
  FirmSchema,
  FirmContactSchema,
  PolicySchema,
  PolicyItemSchema,
  PolicyVersionSchema,
  PolicyEventSchema,
  PolicyAttachmentSchema,
  AppealPolicyCitationSchema,
  PolicyPeriodSchema,
  RecordUploadSchema,
  PolicyRecordSchema,
  PolicyEvaluationReportSchema,
  AppealPolicySchema,
  CallbackSampleSchema,
  BeneficiaryCallbackSchema,
  BeneficiaryCallbackEventSchema,
  BlockedNumberSchema,
  ApiClientSchema,
  ApiCallSchema,
  WebhookSubscriptionSchema,
  WebhookDeliverySchema,
  ApiRateWindowSchema,
  CategoryQuestionSchema,
  Open311TokenSchema,
  CityEventTypeSchema,
  CityEventSchema,
  CityEventSignatureSchema,
];

export {
  AccessLogSchema,
  AppealSchema,
  AppealCounterSchema,
  AppealEventSchema,
  AssignmentSchema,
  AttachmentSchema,
  CalendarDaySchema,
  CallSchema,
  CallEventSchema,
  CategorySchema,
  CitizenSchema,
  DepartmentSchema,
  GridSchema,
  KnowledgeArticleSchema,
  SessionSchema,
  SmsOutboxSchema,
  SmsTemplateSchema,
  UserSchema,
  AppealFactSchema,
  OrderFactSchema,
  ReportCellSchema,
  ReportDirtySchema,
  DailyReportSchema,
  ReferralSchema,
  ReferralEventSchema,
  ReferralDocumentSchema,
  SecurityEventSchema,
  SignInFailureSchema,
  UserTotpSchema,
  MfaRecoveryCodeSchema,
  MfaChallengeSchema,
  AppSettingSchema,
  DispatchCatalogueEntrySchema,
  AssessmentSchemeSchema,
  FirmSchema,
  FirmContactSchema,
  PolicySchema,
  PolicyItemSchema,
  PolicyVersionSchema,
  PolicyEventSchema,
  PolicyAttachmentSchema,
  AppealPolicyCitationSchema,
};
