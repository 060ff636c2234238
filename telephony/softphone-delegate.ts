// What a Softphone reports: its connection status and the life of each call. The app feeds these
// reports to the agent machine, which drives the softphone bar.

/**
 * The connection as the agent sees it: `connecting` on start, `registered` when calls can come
 * and go, `reconnecting` after the WebSocket dropped or the registration was lost, `unreachable`
 * after a failed attempt (retries continue), `offline` after stop.
 */
export type SoftphoneStatus = 'offline' | 'connecting' | 'registered' | 'reconnecting' | 'unreachable';

/** One call, as reported to the delegate and to the server's call events. */
export interface CallInfo {
  /** The SIP Call-ID: what the server keys the call by. */
  callId: string;
  direction: 'inbound' | 'outbound';
  /** The caller's number (inbound) or our own SIP user (outbound). */
  from: string;
  /** The caller's display name, when the INVITE carried one. */
  fromDisplay?: string;
  /** The number called: the queue AOR or the agent (inbound), the target (outbound). */
  to: string;
}

/**
 * Why a call ended: `hangup` after it was up; `cancelled` before an answer, by the caller or by
 * us; `rejected` when we declined a ringing call or the other side declined ours (603);
 * `elsewhere` when another agent answered the parallel ring; `busy` (486, 600); `failed` otherwise.
 */
export type CallEndReason = 'hangup' | 'cancelled' | 'rejected' | 'elsewhere' | 'failed' | 'busy';

/** Callbacks of a `Softphone`; every one is optional. */
export interface SoftphoneDelegate {
  /** The connection status changed; `detail` says why, for the log. */
  onStatus?(status: SoftphoneStatus, detail?: string): void;
  /** INVITE arrived (screen pop) — caller number from the From user. */
  onIncoming?(call: CallInfo): void;
  /** Outbound: 180/183 received. */
  onRinging?(call: CallInfo): void;
  /** The call is up, in either direction. */
  onEstablished?(call: CallInfo): void;
  /** The call is over; called once per call, whoever ended it. */
  onEnded?(call: CallInfo, reason: CallEndReason): void;
  /** Blind transfer accepted by the other side (202); onEnded('hangup') follows. */
  onTransferred?(call: CallInfo, target: string): void;
  /** After the call ended: both directions mixed, SHA-256 hex of the blob. */
  onRecording?(call: CallInfo, blob: Blob, sha256: string): void;
  /** The hotline queue registration came or went. */
  onQueueChange?(joined: boolean): void;
  /** A DTMF digit received as SIP INFO (RTP telephone-events are not visible to the browser). */
  onDtmf?(call: CallInfo, digit: string): void;
  /** An outbound INVITE is about to be sent: the call exists from here on (before any answer or failure). */
  onOutgoing?(call: CallInfo): void;
  /** We were transferred (REFER received): the old leg ends and the target is dialled. */
  onReferred?(call: CallInfo, target: string): void;
}
