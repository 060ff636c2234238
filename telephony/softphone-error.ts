/**
 * Why a softphone call failed, as a code the UI can put into words. The message stays technical
 * (for logs and developers); what the user reads comes from the code.
 */
export type SoftphoneErrorCode =
  /** The softphone was never started or is stopped. */
  | 'notStarted'
  /** No WebSocket to the SIP server (down, unreachable, still reconnecting). */
  | 'unreachable'
  /** A call is already up on this phone. */
  | 'busy'
  /** The step needs a call in a state there is none in (no ringing call to answer, none established). */
  | 'noCall'
  /** The number or URI cannot be dialled. */
  | 'invalidTarget'
  /** The softphone has no queue to join. */
  | 'noQueue';

/** An error of the softphone's public API; `code` says which kind. */
export class SoftphoneError extends Error {
  readonly code: SoftphoneErrorCode;

  constructor(code: SoftphoneErrorCode, message: string) {
    super(message);
    this.name = 'SoftphoneError';
    this.code = code;
  }
}

/** The error's softphone code, or null for any other failure (a refused INVITE, a media error …). */
export function softphoneErrorCode(err: unknown): SoftphoneErrorCode | null {
  return err instanceof SoftphoneError ? err.code : null;
}
