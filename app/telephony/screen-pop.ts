import type { CallerEntitlements } from '../policies/entitlements.server';

// What the softphone bar shows while an inbound call rings: the caller's citizen record and appeals, and the
// policies the caller may be entitled to (政策找人). The intake module computes it (callerHistory); telephony
// serves and shows it.

/** One of the caller's appeals. */
export interface CallerAppeal {
  id: number;
  number: string;
  title: string;
  phase: string;
  createdAt: string;
}

export interface CallerHistory {
  phone: string;
  citizen: { name: string | null; address: string | null; idNumber: string } | null;
  open: CallerAppeal[];
  recent: CallerAppeal[];
  /** Three or more appeals in 30 days: the caller keeps coming back (重复来电). */
  repeatCaller: boolean;
  last30Days: number;
  /** The phone is on the blocked-numbers list (骚扰号码): the call is answered, the operator warned with the reason. */
  blocked: { reason: string; until: string | null } | null;
  /** The published policies the caller or a firm the phone speaks for may be entitled to (可能享受的政策). */
  policies: CallerEntitlements;
}
