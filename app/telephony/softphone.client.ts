// The only way the app reaches the softphone; load it with import() in an effect (browser only).
export { Softphone, type DtmfMethod } from '../../telephony/softphone';
export type { SipCredentials, SoftphoneConfig } from '../../telephony/softphone-config';
export type { CallEndReason, CallInfo, SoftphoneDelegate, SoftphoneStatus } from '../../telephony/softphone-delegate';
