// What a Softphone is set up with: where Kamailio is, who the agent is, and how to get fresh
// credentials (as SIP.js keeps a session manager's options beside it).

/** Ephemeral SIP credentials (Kamailio `auth_ephemeral`), as POST /telephony/credentials hands them out. */
export interface SipCredentials {
  /** `"<expiry unix seconds>:<sip user>"`. */
  username: string;
  /** base64(HMAC-SHA1(shared secret, username)). */
  password: string;
  /** When the credentials stop working; the softphone fetches new ones before then. */
  expiresAt: string | Date;
}

/** Options of a `Softphone`, fixed for its lifetime. */
export interface SoftphoneConfig {
  /** Kamailio's WebSocket, e.g. `ws://127.0.0.1:8088`. */
  wsUrl: string;
  /** The SIP domain, e.g. `127.0.0.1`. */
  domain: string;
  /** The agent's own SIP user (`agent<userId>`) or the demo citizen's number. */
  sipUser: string;
  /** Shown to the other side in From. */
  displayName?: string;
  /** Fetched again before expiry and on every (re)connect. */
  getCredentials(): Promise<SipCredentials>;
  /** '12345' for operators: the hotline queue registration. */
  queueAor?: string | null;
  /** Where the other side's audio plays. */
  media: { remoteAudio: HTMLAudioElement };
  /** Reconnect backoff (see backoff.ts); 1 s doubling up to 15 s by default. */
  reconnect?: { baseMs?: number; maxMs?: number };
  /** STUN/TURN servers; none by default (browsers and Kamailio share a network). */
  iceServers?: RTCIceServer[];
  /** Registration lifetime in seconds (default 300); sip.js refreshes it before expiry. */
  registerExpires?: number;
  /** sip.js log level (default 'warn'). */
  logLevel?: 'debug' | 'log' | 'warn' | 'error';
}
