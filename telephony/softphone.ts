/**
 * Browser softphone over sip.js (see docs/decisions/008-telephony.md).
 *
 * One UserAgent per start(); two Registerers on it: the agent's own AOR and, while the agent is
 * ready, the hotline queue AOR (`12345`, via `params.toUri`) for parallel ring. One call at a time.
 *
 * Its options, its delegate and the call recorder live beside it (softphone-config.ts,
 * softphone-delegate.ts, call-recorder.ts), as SIP.js lays out its session manager.
 *
 * Browser only: no Node APIs. The app reaches this module through app/telephony/softphone.client.ts.
 */
import {
  Invitation,
  Inviter,
  Registerer,
  RegistererState,
  RequestPendingError,
  SessionState,
  UserAgent,
  UserAgentState,
  Web,
  type Core,
  type Info,
  type Referral,
  type Session,
  type SessionDelegate,
  type URI,
} from 'sip.js';
import { DEFAULT_BACKOFF, nextDelay } from './backoff';
import { CallRecorder, sha256Hex } from './call-recorder';
import { SoftphoneError } from './softphone-error';
import type { SoftphoneConfig } from './softphone-config';
import type { CallEndReason, CallInfo, SoftphoneDelegate, SoftphoneStatus } from './softphone-delegate';

/** How a DTMF digit left: RTP telephone-event (RFC 4733, ex-2833) or SIP INFO fallback. */
export type DtmfMethod = 'rfc4733' | 'info';

type RegOp = 'register' | 'unregister';

interface Registration {
  registerer: Registerer;
  toUri?: URI;
  /** Serialises this registration's REGISTERs: only one in flight at a time. */
  chain: Promise<void>;
  /** Rejects the op in flight (the transport it was sent on closed). */
  abort?: (error: Error) => void;
  /** The Registerer has a request stuck on a closed connection; replace it on RequestPendingError. */
  stuck: boolean;
}

interface ActiveCall {
  info: CallInfo;
  session: Invitation | Inviter;
  /** Decided by whoever ends the call (CANCEL, reject, final response, BYE). */
  reason?: CallEndReason;
  established: boolean;
  ringing: boolean;
  held: boolean;
  muted: boolean;
  recorder: CallRecorder | null;
  done: boolean;
}

const REGISTER_TIMEOUT_MS = 10_000;
const noop = () => undefined;

function audioOnly(): Web.SessionDescriptionHandlerOptions {
  return { constraints: { audio: true, video: false } };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Outbound final response → the contract's end reason. */
function reasonForStatus(code: number): CallEndReason {
  if (code === 486 || code === 600) return 'busy';
  if (code === 487) return 'cancelled';
  if (code === 603) return 'rejected';
  return 'failed';
}

/**
 * The agent's (or the demo citizen's) phone: one class over sip.js's UserAgent, Registerer,
 * Invitation and Inviter, reporting through a {@link SoftphoneDelegate}.
 *
 * @remarks
 * It keeps itself registered: credentials are fetched again before they expire, a dropped
 * WebSocket is reconnected with backoff, and the queue registration is restored after a
 * reconnect. One call at a time; a second INVITE is answered 486.
 *
 * @example
 * ```ts
 * const phone = new Softphone(config, { onIncoming: (call) => show(call), onEnded: (call, why) => log(why) });
 * await phone.start();
 * await phone.joinQueue();
 * ```
 */
export class Softphone {
  private ua: UserAgent | null = null;
  private own: Registration | null = null;
  private queue: Registration | null = null;
  private call: ActiveCall | null = null;
  private _status: SoftphoneStatus = 'offline';
  private running = false;
  private connected = false;
  private wantQueue = false;
  private queueJoined = false;
  private attempt = 0;
  private connecting: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private credentialTimer: ReturnType<typeof setTimeout> | undefined;
  /** Network back (laptop woke up, Wi-Fi returned): retry now instead of at the backoff's pace. */
  private readonly onOnline = () => {
    if (!this.running || this.connected) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.attempt = 0;
    void this.connect();
  };

  /**
   * Nothing happens until {@link Softphone.start}.
   *
   * @param config - where to connect and as whom; read for the softphone's whole life
   * @param delegate - the callbacks the softphone reports through
   */
  constructor(
    private readonly config: SoftphoneConfig,
    private readonly delegate: SoftphoneDelegate = {},
  ) {}

  /** The connection status last reported to `onStatus`. */
  get status(): SoftphoneStatus {
    return this._status;
  }

  /** A copy of the current call (ringing, dialling or up), or null. */
  get activeCall(): CallInfo | null {
    return this.call ? { ...this.call.info } : null;
  }

  /** Whether the hotline queue registration is in place (parallel ring reaches this phone). */
  get inQueue(): boolean {
    return this.queueJoined;
  }

  /** Whether the current call is on hold. */
  get held(): boolean {
    return this.call?.held ?? false;
  }

  /** Whether our microphone is off in the current call. */
  get muted(): boolean {
    return this.call?.muted ?? false;
  }

  /** The active call's peer connection (stats, level meters); undefined without a call. */
  get peerConnection(): RTCPeerConnection | undefined {
    const sdh = this.call?.session.sessionDescriptionHandler;
    return sdh instanceof Web.SessionDescriptionHandler ? sdh.peerConnection : undefined;
  }

  /**
   * Connects and registers. Resolves after the first attempt whatever its outcome: `status` says
   * whether it worked ('registered') or not ('unreachable'); retries continue in the background.
   * A second start() while running waits for the attempt in flight.
   *
   * @throws Error when `sipUser@domain` is not a valid SIP URI
   */
  async start(): Promise<void> {
    if (this.running) return this.connecting ?? undefined;
    const uri = UserAgent.makeURI(`sip:${this.config.sipUser}@${this.config.domain}`);
    if (!uri) throw new Error(`invalid SIP user/domain: ${this.config.sipUser}@${this.config.domain}`);
    this.running = true;
    this.attempt = 0;
    this.setStatus('connecting');
    // Callbacks check `ua === this.ua`: a UA left over from an earlier start() must not touch this one.
    const ua: UserAgent = new UserAgent({
      uri,
      displayName: this.config.displayName,
      transportOptions: { server: this.config.wsUrl, connectionTimeout: 5 },
      // We stop gracefully ourselves (hang up, unREGISTER with a timeout); sip.js's graceful stop
      // waits on a dead transport for the full transaction timeout.
      gracefulShutdown: false,
      logLevel: this.config.logLevel ?? 'warn',
      userAgentString: 'hotline12345-softphone',
      // We send 180 ourselves, after deciding to ring: a busy phone answers 486 without ringing first.
      sendInitialProvisionalResponse: false,
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: { iceServers: this.config.iceServers ?? [] },
        iceGatheringTimeout: 1000,
      },
      delegate: {
        onInvite: (invitation) => {
          if (ua === this.ua) this.onInvite(invitation);
          else invitation.reject({ statusCode: 480 }).catch(noop);
        },
        onDisconnect: (error) => {
          if (ua === this.ua) this.onDisconnect(error);
        },
      },
    });
    this.ua = ua;
    this.own = this.makeRegistration();
    globalThis.addEventListener?.('online', this.onOnline);
    await this.connect();
  }

  /** Hangs up, leaves the queue, unREGISTERs and closes the WebSocket. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    globalThis.removeEventListener?.('online', this.onOnline);
    clearTimeout(this.retryTimer);
    clearTimeout(this.credentialTimer);
    this.retryTimer = this.credentialTimer = undefined;
    this.connecting = null; // an attempt in flight sees `ua !== this.ua` and gives up
    const call = this.call;
    await this.hangup().catch(noop);
    // A CANCEL's 487 may never arrive once the UA is gone: end the call for the delegate now.
    if (call) this.finish(call);
    if (this.connected) {
      for (const reg of [this.queue, this.own]) if (reg) await this.enqueue(reg, 'unregister').catch(noop);
    }
    this.wantQueue = false;
    this.setQueueJoined(false);
    const ua = this.ua;
    this.ua = this.own = this.queue = null;
    this.connected = false;
    await ua?.stop().catch(noop);
    this.setStatus('offline');
  }

  /**
   * REGISTERs this contact under the queue AOR. While offline it only records the wish: the
   * queue is joined after the next (re)connect, reported by onQueueChange(true).
   *
   * @throws Error when not started, without a `queueAor`, or when the REGISTER fails
   */
  async joinQueue(): Promise<void> {
    const ua = this.ua;
    if (!ua || !this.running) throw new SoftphoneError('notStarted', 'softphone not started');
    if (!this.config.queueAor) throw new SoftphoneError('noQueue', 'no queue AOR configured');
    this.wantQueue = true;
    if (!this.queue) {
      const toUri = UserAgent.makeURI(`sip:${this.config.queueAor}@${this.config.domain}`);
      if (!toUri) throw new Error(`invalid queue AOR ${this.config.queueAor}`);
      this.queue = this.makeRegistration(toUri);
    }
    if (!this.connected) return;
    await this.enqueue(this.queue, 'register');
    this.setQueueJoined(this.queue.registerer.state === RegistererState.Registered);
  }

  /** unREGISTERs the queue binding (nothing to send while offline: Kamailio dropped it with the socket). */
  async leaveQueue(): Promise<void> {
    this.wantQueue = false;
    if (this.queue && this.connected) await this.enqueue(this.queue, 'unregister');
    this.setQueueJoined(false);
  }

  /**
   * Answers the ringing inbound call; `onEstablished` follows.
   *
   * @throws Error when no inbound call is ringing
   */
  async answer(): Promise<void> {
    const call = this.call;
    if (!call || !(call.session instanceof Invitation) || call.session.state !== SessionState.Initial) {
      throw new SoftphoneError('noCall', 'no ringing inbound call');
    }
    await call.session.accept({ sessionDescriptionHandlerOptions: audioOnly() });
  }

  /**
   * Declines a ringing inbound call with 486. Not 603: a 6xx is global and would make Kamailio
   * cancel the parallel ring to every other ready agent.
   *
   * @throws Error when no inbound call is ringing
   */
  async reject(): Promise<void> {
    const call = this.call;
    if (!call || !(call.session instanceof Invitation) || call.session.state !== SessionState.Initial) {
      throw new SoftphoneError('noCall', 'no ringing inbound call');
    }
    call.reason = 'rejected';
    await call.session.reject({ statusCode: 486 });
  }

  /** Ends whatever call there is: CANCEL (outbound ringing), 486 (inbound ringing) or BYE. */
  async hangup(): Promise<void> {
    const call = this.call;
    if (!call) return;
    const s = call.session;
    if (s.state === SessionState.Initial || s.state === SessionState.Establishing) {
      if (s instanceof Inviter) {
        call.reason = 'cancelled';
        await s.cancel();
        return;
      }
      if (s.state === SessionState.Initial) {
        call.reason = 'rejected';
        await s.reject({ statusCode: 486 });
        return;
      }
      // Inbound, accept() in progress: BYE once it is up.
      await waitForState(s, [SessionState.Established, SessionState.Terminated]);
    }
    if (s.state === SessionState.Established) {
      call.reason ??= 'hangup';
      await s.bye();
    }
  }

  /**
   * Hold = re-INVITE with a sendonly offer (sip.js SDH `hold` option); while held, our microphone
   * and the remote audio are disabled locally too. Resolves when the other side accepted.
   *
   * @param on - true to hold, false to resume
   * @throws Error without an established call, or when the other side refuses the re-INVITE
   */
  async hold(on: boolean): Promise<void> {
    const call = this.requireEstablished();
    if (call.held === on) return;
    const s = call.session;
    const options = s.sessionDescriptionHandlerOptionsReInvite as Web.SessionDescriptionHandlerOptions;
    options.hold = on;
    s.sessionDescriptionHandlerOptionsReInvite = options;
    try {
      await new Promise<void>((resolve, reject) => {
        s.invite({
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (r) => reject(new Error(`hold re-INVITE rejected: ${r.message.statusCode}`)),
          },
        }).catch(reject);
      });
    } catch (e) {
      options.hold = call.held; // undo so the next re-INVITE offers the real state
      throw e;
    }
    call.held = on;
    this.applyTracks(call);
  }

  /**
   * Mute = disable our microphone track locally (no signalling); it is also silent in the recording.
   *
   * @param on - true to mute, false to unmute
   */
  mute(on: boolean): void {
    const call = this.call;
    if (!call) return;
    call.muted = on;
    this.applyTracks(call);
  }

  /**
   * DTMF: RFC 4733 (ex-2833) telephone-events in the RTP stream via RTCDTMFSender — what IVRs and
   * media gateways expect. Falls back to SIP INFO (application/dtmf-relay) when the peer
   * connection has no DTMF sender.
   *
   * @param digit - one of 0–9, A–D, `*`, `#`
   * @returns the method used, or null without an established call
   * @throws Error for anything that is not a DTMF digit
   */
  sendDtmf(digit: string): DtmfMethod | null {
    if (!/^[0-9A-D*#]$/i.test(digit)) throw new Error(`invalid DTMF digit ${JSON.stringify(digit)}`);
    const call = this.call;
    if (!call || call.session.state !== SessionState.Established) return null;
    const tone = digit.toUpperCase();
    const sdh = call.session.sessionDescriptionHandler;
    if (sdh instanceof Web.SessionDescriptionHandler && sdh.sendDtmf(tone, { duration: 100, interToneGap: 70 })) {
      return 'rfc4733';
    }
    const body = {
      contentDisposition: 'render',
      contentType: 'application/dtmf-relay',
      content: `Signal=${tone}\r\nDuration=160`,
    };
    call.session.info({ requestOptions: { body } }).catch(noop);
    return 'info';
  }

  /**
   * Blind transfer: REFER to `target`; on 202 we report onTransferred and hang up our leg.
   *
   * @param target - a SIP user or number at our domain (`2001`, `agent3`) or a full `sip:` URI
   * @throws Error without an established call, or when the other side refuses the REFER
   */
  async transfer(target: string): Promise<void> {
    const call = this.requireEstablished();
    const uri = this.targetUri(target);
    await new Promise<void>((resolve, reject) => {
      call.session
        .refer(uri, {
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (r) => reject(new Error(`REFER rejected: ${r.message.statusCode}`)),
          },
        })
        .catch(reject);
    });
    this.delegate.onTransferred?.({ ...call.info }, uri.user ?? target);
    call.reason = 'hangup';
    // The transferee may already have sent its own BYE; then there is nothing left to end.
    if (call.session.state === SessionState.Established) await call.session.bye().catch(noop);
  }

  /**
   * Outbound call; resolves once the INVITE is sent (progress comes through the delegate).
   *
   * @param target - a SIP user or number at our domain, or a full `sip:` URI
   * @param extraHeaders - whole SIP header lines added to the INVITE
   * @returns the new call, as `onOutgoing` reported it
   * @throws Error when not started, not connected, already in a call, or the INVITE fails
   */
  async dial(target: string, extraHeaders: string[] = []): Promise<CallInfo> {
    const ua = this.ua;
    if (!ua || !this.running) throw new SoftphoneError('notStarted', 'softphone not started');
    if (!this.connected) throw new SoftphoneError('unreachable', 'telephony unreachable');
    if (this.call) throw new SoftphoneError('busy', 'already in a call');
    const inviter = new Inviter(ua, this.targetUri(target), {
      extraHeaders,
      sessionDescriptionHandlerOptions: audioOnly(),
    });
    return this.startOutbound(inviter);
  }

  // ---------------------------------------------------------------- connection & registration

  private connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    const attempt: Promise<void> = this.tryConnect().finally(() => {
      if (this.connecting === attempt) this.connecting = null;
    });
    this.connecting = attempt;
    return attempt;
  }

  /** One attempt: fresh credentials, WebSocket up, own REGISTER, queue re-join. Failure → retry later. */
  private async tryConnect(): Promise<void> {
    const ua = this.ua;
    const own = this.own;
    if (!ua || !own || !this.running) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    try {
      await this.refreshCredentials();
      if (!ua.isConnected()) {
        if (ua.state === UserAgentState.Started) await ua.reconnect();
        else await ua.start();
      }
      if (ua !== this.ua) return;
      this.connected = true;
      await this.enqueue(own, 'register');
      this.attempt = 0;
      let detail: string | undefined;
      if (this.wantQueue && this.queue) {
        try {
          await this.enqueue(this.queue, 'register');
          this.setQueueJoined(this.queue.registerer.state === RegistererState.Registered);
        } catch (e) {
          detail = `queue: ${errorText(e)}`;
        }
      }
      this.setStatus('registered', detail);
    } catch (e) {
      if (ua !== this.ua || !this.running) return;
      // 'unreachable' after the first failure: the UI falls back to manual intake meanwhile.
      this.setStatus('unreachable', errorText(e));
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (!this.running || this.retryTimer !== undefined) return;
    const delay = nextDelay(this.attempt++, { ...DEFAULT_BACKOFF, ...this.config.reconnect });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  private onDisconnect(error?: Error): void {
    this.connected = false;
    // Responses to REGISTERs sent on the closed socket can never arrive: free the chains now.
    for (const reg of [this.own, this.queue]) {
      if (reg?.abort) {
        reg.stuck = true;
        reg.abort(new Error('WebSocket closed'));
      }
    }
    // Kamailio drops the bindings of a closed socket (handle_lost_tcp) or lost them in a restart.
    this.setQueueJoined(false);
    if (!this.running) return;
    this.setStatus('reconnecting', error?.message);
    this.scheduleRetry();
  }

  /**
   * sip.js reads authorizationUsername/Password from the live options on every digest challenge,
   * so updating them is enough; re-creating the UA would drop the dialog of a call in progress.
   */
  private async refreshCredentials(): Promise<void> {
    const creds = await this.config.getCredentials();
    const ua = this.ua;
    if (!ua) return;
    ua.configuration.authorizationUsername = creds.username;
    ua.configuration.authorizationPassword = creds.password;
    const expiresAt = new Date(creds.expiresAt).getTime();
    const left = Number.isFinite(expiresAt) ? expiresAt - Date.now() : 60 * 60_000;
    // Renew 10% (30 s … 5 min) before expiry so a refresh REGISTER never carries dead credentials.
    const lead = Math.min(5 * 60_000, Math.max(30_000, left / 10));
    this.scheduleCredentialRefresh(Math.max(5_000, left - lead));
  }

  private scheduleCredentialRefresh(ms: number): void {
    clearTimeout(this.credentialTimer);
    this.credentialTimer = setTimeout(
      () => {
        if (!this.running) return;
        this.refreshCredentials().catch(() => this.scheduleCredentialRefresh(30_000));
      },
      Math.min(ms, 2 ** 31 - 1),
    );
  }

  private makeRegistration(toUri?: URI): Registration {
    const reg: Registration = {
      registerer: null as unknown as Registerer,
      toUri,
      chain: Promise.resolve(),
      stuck: false,
    };
    reg.registerer = this.newRegisterer(reg);
    return reg;
  }

  private newRegisterer(reg: Registration): Registerer {
    const ua = this.ua;
    if (!ua) throw new SoftphoneError('notStarted', 'softphone not started');
    const registerer = new Registerer(ua, {
      expires: this.config.registerExpires ?? 300,
      logConfiguration: false,
      refreshFrequency: 90, // re-REGISTER at 90% of the lifetime, leaving room for a slow answer
      params: reg.toUri ? { toUri: reg.toUri } : undefined,
    });
    registerer.stateChange.addListener((state) => {
      if (reg.registerer !== registerer || !this.running) return;
      if (reg === this.queue) {
        this.setQueueJoined(state === RegistererState.Registered);
      } else if (reg === this.own && state === RegistererState.Unregistered && this.connected && !this.connecting) {
        // A background refresh failed (expired credentials, registrar restarted …): start over.
        this.setStatus('reconnecting', 'registration lost');
        this.scheduleRetry();
      }
    });
    return registerer;
  }

  /** Queues a REGISTER/unREGISTER behind the previous one of the same registration. */
  private enqueue(reg: Registration, op: RegOp): Promise<void> {
    const run = () => this.sendRegister(reg, op);
    const next = reg.chain.then(run, run);
    reg.chain = next.catch(noop);
    return next;
  }

  /** Sends one REGISTER and settles on its final response (or timeout / socket loss). */
  private async sendRegister(reg: Registration, op: RegOp): Promise<void> {
    if (op === 'unregister' && reg.registerer.state !== RegistererState.Registered) return;
    if (!this.connected) {
      if (op === 'unregister') return; // the binding died with the socket
      throw new SoftphoneError('unreachable', 'not connected');
    }
    for (let tries = 0; ; tries++) {
      try {
        await this.sendRegisterOnce(reg, op);
        return;
      } catch (e) {
        if (!(e instanceof RequestPendingError)) throw e;
        // sip.js's own refresh is in flight (answered in ms) or a request is stuck on a closed socket.
        if (reg.stuck || tries >= 3) {
          this.replaceRegisterer(reg);
        } else {
          await sleep(1_000);
        }
        if (tries >= 5) throw e;
      }
    }
  }

  private sendRegisterOnce(reg: Registration, op: RegOp): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const done = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (reg.abort === done) reg.abort = undefined;
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => done(new Error(`${op} timed out`)), REGISTER_TIMEOUT_MS);
      reg.abort = done;
      const requestDelegate: Core.OutgoingRequestDelegate = {
        onAccept: () => done(),
        onReject: (r) => done(new Error(`REGISTER rejected: ${r.message.statusCode} ${r.message.reasonPhrase}`)),
        onRedirect: (r) => done(new Error(`REGISTER redirected: ${r.message.statusCode}`)),
      };
      try {
        const sent =
          op === 'register'
            ? reg.registerer.register({ requestDelegate })
            : reg.registerer.unregister({ requestDelegate });
        sent.catch((e: unknown) => done(e instanceof Error ? e : new Error(String(e))));
      } catch (e) {
        done(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /**
   * Swaps in a fresh Registerer (new Call-ID). The old one is disposed in the background: it
   * waits for its stuck request to time out and, being unregistered by then, sends nothing.
   */
  private replaceRegisterer(reg: Registration): void {
    const old = reg.registerer;
    reg.registerer = this.newRegisterer(reg);
    reg.stuck = false;
    old.dispose().catch(noop);
  }

  private setStatus(status: SoftphoneStatus, detail?: string): void {
    this._status = status;
    this.delegate.onStatus?.(status, detail);
  }

  private setQueueJoined(joined: boolean): void {
    if (this.queueJoined === joined) return;
    this.queueJoined = joined;
    this.delegate.onQueueChange?.(joined);
  }

  // ---------------------------------------------------------------- calls

  private onInvite(invitation: Invitation): void {
    const req = invitation.request;
    const info: CallInfo = {
      callId: req.callId,
      direction: 'inbound',
      from: req.from.uri.user ?? req.from.uri.toString(),
      fromDisplay: req.from.displayName || undefined,
      to: req.to.uri.user ?? req.to.uri.toString(),
    };
    if (this.call || !this.running) {
      // One call at a time; for a forked queue call Kamailio keeps ringing the other agents.
      invitation.reject({ statusCode: 486 }).catch(noop);
      return;
    }
    const call = this.track(invitation, info);
    invitation.progress().catch(noop); // 180 Ringing
    invitation.delegate = {
      ...this.sessionDelegate(call),
      onCancel: (cancel) => {
        // Kamailio cancels the losing branches of a parallel ring with Reason: SIP;cause=200.
        const reason = cancel.request.getHeader('reason') ?? '';
        call.reason = /cause\s*=\s*200\b/i.test(reason) ? 'elsewhere' : 'cancelled';
      },
    };
    this.delegate.onIncoming?.({ ...info });
  }

  private async startOutbound(inviter: Inviter): Promise<CallInfo> {
    const target = inviter.request.ruri;
    const info: CallInfo = {
      callId: inviter.request.callId,
      direction: 'outbound',
      from: this.config.sipUser,
      fromDisplay: this.config.displayName,
      to: target.user ?? target.toString(),
    };
    const call = this.track(inviter, info);
    inviter.delegate = this.sessionDelegate(call);
    this.delegate.onOutgoing?.({ ...info });
    try {
      await inviter.invite({
        requestDelegate: {
          onProgress: (r) => {
            const code = r.message.statusCode ?? 0;
            if ((code === 180 || code === 183) && !call.ringing) {
              call.ringing = true;
              this.delegate.onRinging?.({ ...call.info });
            }
          },
          onReject: (r) => {
            call.reason ??= reasonForStatus(r.message.statusCode ?? 0);
          },
        },
      });
    } catch (e) {
      call.reason ??= 'failed';
      this.finish(call);
      throw e;
    }
    return { ...info };
  }

  private track(session: Invitation | Inviter, info: CallInfo): ActiveCall {
    const call: ActiveCall = {
      info,
      session,
      established: false,
      ringing: false,
      held: false,
      muted: false,
      recorder: null,
      done: false,
    };
    this.call = call;
    session.stateChange.addListener((state) => {
      if (state === SessionState.Established && !call.established) {
        call.established = true;
        this.attachRemoteAudio(call);
        call.recorder = CallRecorder.start(session);
        this.delegate.onEstablished?.({ ...call.info });
      } else if (state === SessionState.Terminated) {
        // Deferred: sip.js terminates an Inviter before our onReject sees the final response.
        queueMicrotask(() => this.finish(call));
      }
    });
    return call;
  }

  private sessionDelegate(call: ActiveCall): SessionDelegate {
    return {
      onBye: () => {
        call.reason ??= 'hangup';
      },
      onInfo: (info: Info) => {
        const m = /Signal\s*=\s*([0-9A-D*#])/i.exec(info.request.body ?? '');
        info.accept().catch(noop);
        if (m) this.delegate.onDtmf?.({ ...call.info }, m[1].toUpperCase());
      },
      onRefer: (referral: Referral) => {
        this.followReferral(call, referral).catch(noop);
      },
    };
  }

  /** We are the transferee: accept, leave the current leg and call the transfer target. */
  private async followReferral(call: ActiveCall, referral: Referral): Promise<void> {
    if (call !== this.call) {
      await referral.reject();
      return;
    }
    await referral.accept();
    this.delegate.onReferred?.({ ...call.info }, referral.referTo.uri.user ?? referral.referTo.uri.toString());
    const inviter = referral.makeInviter({ sessionDescriptionHandlerOptions: audioOnly() });
    call.reason = 'hangup';
    if (call.session.state === SessionState.Established) call.session.bye().catch(noop);
    this.finish(call); // one call at a time: the old leg is over for us now
    await this.startOutbound(inviter);
  }

  private finish(call: ActiveCall): void {
    if (call.done) return;
    call.done = true;
    if (this.call === call) this.call = null;
    const reason = call.reason ?? (call.established ? 'hangup' : 'failed');
    const audio = this.config.media.remoteAudio;
    const sdh = call.session.sessionDescriptionHandler;
    if (sdh instanceof Web.SessionDescriptionHandler && audio.srcObject === sdh.remoteMediaStream) {
      audio.srcObject = null;
    }
    const info = { ...call.info };
    this.delegate.onEnded?.(info, reason);
    const recorder = call.recorder;
    call.recorder = null;
    if (recorder) {
      recorder
        .stop()
        .then(async (blob) => {
          if (blob && blob.size > 0) this.delegate.onRecording?.(info, blob, await sha256Hex(blob));
        })
        .catch(noop);
    }
  }

  private attachRemoteAudio(call: ActiveCall): void {
    const sdh = call.session.sessionDescriptionHandler;
    if (!(sdh instanceof Web.SessionDescriptionHandler)) return;
    const audio = this.config.media.remoteAudio;
    audio.autoplay = true;
    audio.srcObject = sdh.remoteMediaStream; // sip.js keeps this stream and swaps tracks inside it
    audio.play().catch(noop); // autoplay may be blocked until a user gesture; answering is one
  }

  private applyTracks(call: ActiveCall): void {
    const sdh = call.session.sessionDescriptionHandler;
    if (!(sdh instanceof Web.SessionDescriptionHandler)) return;
    sdh.enableSenderTracks(!call.held && !call.muted);
    sdh.enableReceiverTracks(!call.held);
  }

  private requireEstablished(): ActiveCall {
    const call = this.call;
    if (!call || call.session.state !== SessionState.Established)
      throw new SoftphoneError('noCall', 'no established call');
    return call;
  }

  /** '2001', 'agent3' or a full 'sip:…' URI. */
  private targetUri(target: string): URI {
    const text = /^sips?:/i.test(target) ? target : `sip:${target}@${this.config.domain}`;
    const uri = UserAgent.makeURI(text);
    if (!uri) throw new SoftphoneError('invalidTarget', `invalid call target ${JSON.stringify(target)}`);
    return uri;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function waitForState(session: Session, states: SessionState[]): Promise<void> {
  if (states.includes(session.state)) return Promise.resolve();
  return new Promise((resolve) => {
    const listener = (state: SessionState) => {
      if (!states.includes(state)) return;
      session.stateChange.removeListener(listener);
      resolve();
    };
    session.stateChange.addListener(listener);
  });
}
