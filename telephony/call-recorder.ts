// The call recording: both directions of one call mixed into one file, made in the browser.
import { Web, type Session } from 'sip.js';

const noop = () => undefined;

/**
 * Mixes the microphone and the remote audio into one MediaStreamDestination and records it.
 * Tracks are connected one by one (also ones added later, e.g. after a re-INVITE) so that a
 * replaced remote track does not silently drop out of the recording.
 */
export class CallRecorder {
  private readonly chunks: Blob[] = [];
  private readonly sources = new Map<string, MediaStreamAudioSourceNode>();
  private readonly unlisten: Array<() => void> = [];

  private constructor(
    private readonly ctx: AudioContext,
    private readonly dest: MediaStreamAudioDestinationNode,
    private readonly recorder: MediaRecorder,
  ) {}

  /** Null when the browser cannot record (no MediaRecorder/AudioContext) or there is no media. */
  static start(session: Session): CallRecorder | null {
    const sdh = session.sessionDescriptionHandler;
    if (!(sdh instanceof Web.SessionDescriptionHandler)) return null;
    if (typeof MediaRecorder === 'undefined' || typeof AudioContext === 'undefined') return null;
    try {
      const ctx = new AudioContext();
      const dest = ctx.createMediaStreamDestination();
      const mimeType = MediaRecorder.isTypeSupported('audio/webm;codecs=opus') ? 'audio/webm;codecs=opus' : undefined;
      const recorder = new MediaRecorder(dest.stream, mimeType ? { mimeType } : undefined);
      const rec = new CallRecorder(ctx, dest, recorder);
      for (const stream of [sdh.localMediaStream, sdh.remoteMediaStream]) rec.watch(stream);
      recorder.ondataavailable = (e) => {
        if (e.data.size > 0) rec.chunks.push(e.data);
      };
      ctx.resume().catch(noop); // an AudioContext created without a user gesture starts suspended
      recorder.start(1_000);
      return rec;
    } catch {
      return null;
    }
  }

  private watch(stream: MediaStream): void {
    for (const track of stream.getAudioTracks()) this.add(track);
    const onAdd = (e: MediaStreamTrackEvent) => this.add(e.track);
    stream.addEventListener('addtrack', onAdd);
    this.unlisten.push(() => stream.removeEventListener('addtrack', onAdd));
  }

  private add(track: MediaStreamTrack): void {
    if (track.kind !== 'audio' || this.sources.has(track.id)) return;
    const source = this.ctx.createMediaStreamSource(new MediaStream([track]));
    source.connect(this.dest);
    this.sources.set(track.id, source);
  }

  /** Stops recording and frees the audio graph; the recording, or null when nothing was captured. */
  stop(): Promise<Blob | null> {
    for (const off of this.unlisten) off();
    const close = () => {
      for (const s of this.sources.values()) s.disconnect();
      this.ctx.close().catch(noop);
    };
    if (this.recorder.state === 'inactive') {
      close();
      return Promise.resolve(this.chunks.length ? new Blob(this.chunks, { type: this.recorder.mimeType }) : null);
    }
    return new Promise<Blob | null>((resolve) => {
      this.recorder.onstop = () => {
        close();
        resolve(new Blob(this.chunks, { type: this.recorder.mimeType || 'audio/webm' }));
      };
      this.recorder.stop();
    });
  }
}

/** Lower-case hex SHA-256 of a recording, as the upload route checks it. */
export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
