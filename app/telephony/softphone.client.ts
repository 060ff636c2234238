// The only way the app reaches the softphone; load it with import() in an effect (browser only).
export { Softphone } from '../../telephony/softphone';
export type {
  CallEndReason,
  CallInfo,
  DtmfMethod,
  SipCredentials,
  SoftphoneConfig,
  SoftphoneDelegate,
  SoftphoneStatus,
} from '../../telephony/softphone';
