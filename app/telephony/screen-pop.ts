// What the softphone bar shows while an inbound call rings: the caller's citizen record and appeals.
// The intake module computes it (callerHistory); telephony serves and shows it.

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
}
