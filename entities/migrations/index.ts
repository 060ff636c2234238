import { Migration20261123121339_init } from './Migration20261123121339_init';
import { Migration20261123123711_audit_append_only } from './Migration20261123123711_audit_append_only';
import { Migration20261123124725_assignment_appeal_index } from './Migration20261123124725_assignment_appeal_index';
import { Migration20261123131616_appeal_request_key } from './Migration20261123131616_appeal_request_key';
import { Migration20261123132346_knowledge_base } from './Migration20261123132346_knowledge_base';
import { Migration20261123132655_access_log } from './Migration20261123132655_access_log';
import { Migration20261123161923_telephony_calls } from './Migration20261123161923_telephony_calls';
import { Migration20261123180506_attachment_stage } from './Migration20261123180506_attachment_stage';
import { Migration20261123193924_report_rollups } from './Migration20261123193924_report_rollups';
import { Migration20261123194455_daily_report } from './Migration20261123194455_daily_report';
import { Migration20261123200108_department_worklist } from './Migration20261123200108_department_worklist';
import { Migration20261123201040_report_cell_day } from './Migration20261123201040_report_cell_day';
import { Migration20261123221528_referrals } from './Migration20261123221528_referrals';
import { Migration20261202000408_tags } from './Migration20261202000408_tags';
import { Migration20261202002356_open_tags_indexes } from './Migration20261202002356_open_tags_indexes';
import { Migration20261202100000_adopt_referrals } from './Migration20261202100000_adopt_referrals';
import { Migration20261203000000_security_events } from './Migration20261203000000_security_events';
import { Migration20261203010000_sign_in_guard } from './Migration20261203010000_sign_in_guard';
import { Migration20261203020000_mfa } from './Migration20261203020000_mfa';
import { Migration20261203030000_id_number_encryption } from './Migration20261203030000_id_number_encryption';
import { Migration20261204000000_queues } from './Migration20261204000000_queues';
import { Migration20261204030000_dispatch_catalogue } from './Migration20261204030000_dispatch_catalogue';
import { Migration20261204040000_assisting_orders } from './Migration20261204040000_assisting_orders';
import { Migration20261204050000_sms_templates } from './Migration20261204050000_sms_templates';
import { Migration20261204060000_assessment } from './Migration20261204060000_assessment';
import { Migration20261204070000_referral_prints } from './Migration20261204070000_referral_prints';
import { Migration20261210000000_policy_catalogue } from './Migration20261210000000_policy_catalogue';
import { Migration20261210010000_policy_attachments } from './Migration20261210010000_policy_attachments';
import { Migration20261215000000_firms } from './Migration20261215000000_firms';
import { Migration20261216000000_appeal_policy_citations } from './Migration20261216000000_appeal_policy_citations';
import { Migration20261216010000_appeal_citizen_index } from './Migration20261216010000_appeal_citizen_index';
import { Migration20261216120000_policy_records } from './Migration20261216120000_policy_records';
import { Migration20261217000000_appeal_policy } from './Migration20261217000000_appeal_policy';
import { Migration20261217010000_appeal_policy_complaint_kind } from './Migration20261217010000_appeal_policy_complaint_kind';
import { Migration20261218000000_beneficiary_callbacks } from './Migration20261218000000_beneficiary_callbacks';
import { Migration20261219000000_policy_evaluation_reports } from './Migration20261219000000_policy_evaluation_reports';
import { Migration20261220000000_citizen_web } from './Migration20261220000000_citizen_web';
import { Migration20261221000000_citizen_photos } from './Migration20261221000000_citizen_photos';
import { Migration20261223000000_citizen_session } from './Migration20261223000000_citizen_session';
import { Migration20261224000000_sms_delivery } from './Migration20261224000000_sms_delivery';
import { Migration20261225000000_blocked_numbers } from './Migration20261225000000_blocked_numbers';
import { Migration20261226000000_api_clients } from './Migration20261226000000_api_clients';
import { Migration20261227000000_open311 } from './Migration20261227000000_open311';
import { Migration20261228000000_city_events } from './Migration20261228000000_city_events';
import { Migration20261229000000_webhooks } from './Migration20261229000000_webhooks';

// Listed explicitly: the server is bundled, so folder discovery cannot find them.
export const migrationsList = [
  { name: 'Migration20261123121339_init', class: Migration20261123121339_init },
  { name: 'Migration20261123123711_audit_append_only', class: Migration20261123123711_audit_append_only },
  { name: 'Migration20261123124725_assignment_appeal_index', class: Migration20261123124725_assignment_appeal_index },
  { name: 'Migration20261123131616_appeal_request_key', class: Migration20261123131616_appeal_request_key },
  { name: 'Migration20261123132346_knowledge_base', class: Migration20261123132346_knowledge_base },
  { name: 'Migration20261123132655_access_log', class: Migration20261123132655_access_log },
  { name: 'Migration20261123161923_telephony_calls', class: Migration20261123161923_telephony_calls },
  { name: 'Migration20261123180506_attachment_stage', class: Migration20261123180506_attachment_stage },
  { name: 'Migration20261123193924_report_rollups', class: Migration20261123193924_report_rollups },
  { name: 'Migration20261123194455_daily_report', class: Migration20261123194455_daily_report },
  { name: 'Migration20261123200108_department_worklist', class: Migration20261123200108_department_worklist },
  { name: 'Migration20261123201040_report_cell_day', class: Migration20261123201040_report_cell_day },
  { name: 'Migration20261123221528_referrals', class: Migration20261123221528_referrals },
  { name: 'Migration20261202000408_tags', class: Migration20261202000408_tags },
  { name: 'Migration20261202002356_open_tags_indexes', class: Migration20261202002356_open_tags_indexes },
  { name: 'Migration20261202100000_adopt_referrals', class: Migration20261202100000_adopt_referrals },
  { name: 'Migration20261203000000_security_events', class: Migration20261203000000_security_events },
  { name: 'Migration20261203010000_sign_in_guard', class: Migration20261203010000_sign_in_guard },
  { name: 'Migration20261203020000_mfa', class: Migration20261203020000_mfa },
  { name: 'Migration20261203030000_id_number_encryption', class: Migration20261203030000_id_number_encryption },
  { name: 'Migration20261204000000_queues', class: Migration20261204000000_queues },
  { name: 'Migration20261204030000_dispatch_catalogue', class: Migration20261204030000_dispatch_catalogue },
  { name: 'Migration20261204040000_assisting_orders', class: Migration20261204040000_assisting_orders },
  { name: 'Migration20261204050000_sms_templates', class: Migration20261204050000_sms_templates },
  { name: 'Migration20261204060000_assessment', class: Migration20261204060000_assessment },
  { name: 'Migration20261204070000_referral_prints', class: Migration20261204070000_referral_prints },
  { name: 'Migration20261210000000_policy_catalogue', class: Migration20261210000000_policy_catalogue },
  { name: 'Migration20261210010000_policy_attachments', class: Migration20261210010000_policy_attachments },
  { name: 'Migration20261215000000_firms', class: Migration20261215000000_firms },
  {
    name: 'Migration20261216000000_appeal_policy_citations',
    class: Migration20261216000000_appeal_policy_citations,
  },
  { name: 'Migration20261216010000_appeal_citizen_index', class: Migration20261216010000_appeal_citizen_index },
  { name: 'Migration20261216120000_policy_records', class: Migration20261216120000_policy_records },
  { name: 'Migration20261217000000_appeal_policy', class: Migration20261217000000_appeal_policy },
  {
    name: 'Migration20261217010000_appeal_policy_complaint_kind',
    class: Migration20261217010000_appeal_policy_complaint_kind,
  },
  {
    name: 'Migration20261218000000_beneficiary_callbacks',
    class: Migration20261218000000_beneficiary_callbacks,
  },
  {
    name: 'Migration20261219000000_policy_evaluation_reports',
    class: Migration20261219000000_policy_evaluation_reports,
  },
  { name: 'Migration20261220000000_citizen_web', class: Migration20261220000000_citizen_web },
  { name: 'Migration20261221000000_citizen_photos', class: Migration20261221000000_citizen_photos },
  { name: 'Migration20261223000000_citizen_session', class: Migration20261223000000_citizen_session },
  { name: 'Migration20261224000000_sms_delivery', class: Migration20261224000000_sms_delivery },
  { name: 'Migration20261225000000_blocked_numbers', class: Migration20261225000000_blocked_numbers },
  { name: 'Migration20261226000000_api_clients', class: Migration20261226000000_api_clients },
  { name: 'Migration20261227000000_open311', class: Migration20261227000000_open311 },
  { name: 'Migration20261228000000_city_events', class: Migration20261228000000_city_events },
  { name: 'Migration20261229000000_webhooks', class: Migration20261229000000_webhooks },
];
