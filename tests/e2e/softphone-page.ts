// Browser side of the softphone smoke test: bundled with esbuild, driven by playwright.
// One Softphone per page; every delegate callback is appended to window.events.
import { Softphone } from '../../telephony/softphone';
import type { SoftphoneConfig } from '../../telephony/softphone-config';

export interface HarnessEvent {
  type: string;
  at: number;
  [key: string]: unknown;
}

export interface HarnessOptions {
  wsUrl: string;
  domain: string;
  sipUser: string;
  queueAor?: string | null;
  /** Lifetime of the credentials (default 1 h); short ones exercise the refresh timer. */
  credentialsTtlMs?: number;
}

declare global {
  interface Window {
    events: HarnessEvent[];
    phone: Softphone;
    createPhone(options: HarnessOptions): Promise<void>;
    issueCredentials(
      sipUser: string,
      ttlMs: number,
    ): Promise<{ username: string; password: string; expiresAt: string }>;
  }
}

async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

window.events = [];
window.createPhone = async (options) => {
  const audio = document.createElement('audio');
  document.body.append(audio);
  const push = (type: string, data: Record<string, unknown> = {}) =>
    window.events.push({ type, at: Date.now(), ...data });
  const { credentialsTtlMs = 3_600_000, ...rest } = options;
  let issued = 0;
  const config: SoftphoneConfig = {
    ...rest,
    media: { remoteAudio: audio },
    // Real short-lived credentials, issued by the test process with the shared secret; counted to
    // show they are fetched on every connect.
    getCredentials: async () => {
      const c = await window.issueCredentials(options.sipUser, credentialsTtlMs);
      issued += 1;
      push('credentials', { username: c.username, issued });
      return c;
    },
  };
  window.phone = new Softphone(config, {
    onStatus: (status, detail) => push('status', { status, detail }),
    onIncoming: (call) => push('incoming', { call }),
    onRinging: (call) => push('ringing', { call }),
    onEstablished: (call) => push('established', { call }),
    onEnded: (call, reason) => push('ended', { call, reason }),
    onTransferred: (call, target) => push('transferred', { call, target }),
    onQueueChange: (joined) => push('queue', { joined }),
    onDtmf: (call, digit) => push('dtmf', { call, digit }),
    onRecording: (call, blob, sha256) => {
      void sha256Hex(blob).then((again) =>
        push('recording', { call, size: blob.size, mime: blob.type, sha256, verified: again === sha256 }),
      );
    },
  });
  await window.phone.start();
};
