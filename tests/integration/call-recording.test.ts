import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../app/appeals/service.server';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../../app/domain/errors';
import { recordCallEvent } from '../../app/telephony/call-events.server';
import { callsForAppeal, linkCallToAppeal } from '../../app/telephony/call-links.server';
import { openRecording, RecordingCorrupted, saveRecording } from '../../app/telephony/recordings.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { submitAppeal } from '../support/appeals';
import { sha256 } from '../support/files';

const EBML = [0x1a, 0x45, 0xdf, 0xa3];
const webm = () => new Uint8Array([...EBML, ...randomBytes(2048)]);
const file = (bytes: Uint8Array, type = 'audio/webm;codecs=opus') => new File([bytes], 'call.webm', { type });

describe.each(DB_KINDS)('call recordings on %s', (kind) => {
  const t = useTestServices(kind, { dataDir: true });
  let seq = 0;
  const recordings = () =>
    existsSync(path.join(t.dataDir, 'recordings')) ? readdirSync(path.join(t.dataDir, 'recordings')).sort() : [];

  /** An inbound call answered and hung up by the operator. */
  async function answeredCall(): Promise<string> {
    const callId = `rec-${kind}-${++seq}-${Math.random().toString(36).slice(2)}`;
    const base = { callId, direction: 'inbound', from: '13800008001', to: '12345' };
    const now = new Date();
    const at = (s: number) => new Date(now.getTime() - 120_000 + s * 1000).toISOString();
    const operator = { kind: 'agent' as const, userId: t.ids.users.get('operator')!.id };
    await recordCallEvent(t.em(), operator, { ...base, kind: 'ringing', at: at(0) });
    await recordCallEvent(t.em(), operator, { ...base, kind: 'answered', at: at(5) });
    await recordCallEvent(t.em(), operator, { ...base, kind: 'ended', reason: 'hangup', at: at(65) });
    return callId;
  }

  it("stores the agent's upload by its sha256 and plays it back; the same file again is a no-op", async () => {
    const callId = await answeredCall();
    const bytes = webm();
    const hash = sha256(bytes);
    const saved = await saveRecording(t.em(), t.dataDir, t.as('operator'), callId, file(bytes), hash.toUpperCase());
    expect(saved).toEqual({ sha256: hash, ref: `recordings/${hash}.webm` });
    expect(existsSync(path.join(t.dataDir, 'recordings', `${hash}.webm`))).toBe(true);
    const [row] = await t.sql('select recording_ref, recording_sha256 from call where call_id = ?', [callId]);
    expect(row).toEqual({ recording_ref: `recordings/${hash}.webm`, recording_sha256: hash });

    expect(await saveRecording(t.em(), t.dataDir, t.as('operator'), callId, file(bytes), hash)).toEqual(saved);
    expect(recordings().filter((f) => f.startsWith(hash))).toEqual([`${hash}.webm`]);
    // Another recording for a call that has one is refused: the first is the evidence.
    const other = webm();
    await expect(
      saveRecording(t.em(), t.dataDir, t.as('operator'), callId, file(other), sha256(other)),
    ).rejects.toBeInstanceOf(Conflict);

    const opened = await openRecording(t.em(), t.dataDir, t.as('operator'), callId);
    expect(opened).toMatchObject({ contentType: 'audio/webm', size: bytes.byteLength, sha256: hash });
    expect(Buffer.from(opened.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses a hash mismatch, a wrong type, fake content and an oversize file, and writes nothing', async () => {
    const callId = await answeredCall();
    const before = recordings();
    const bytes = webm();
    const mismatch = await saveRecording(
      t.em(),
      t.dataDir,
      t.as('operator'),
      callId,
      file(bytes),
      sha256(webm()),
    ).catch((e) => e);
    expect(mismatch).toBeInstanceOf(InvalidInput);
    expect((mismatch as InvalidInput).fieldErrors.sha256).toEqual(['录音文件校验值不一致，上传可能不完整，请重新上传']);
    const refused: [File, string, string][] = [
      [file(bytes, 'audio/mpeg'), sha256(bytes), 'file'],
      [
        file(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])),
        sha256(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])),
        'file',
      ],
      [file(new Uint8Array()), sha256(new Uint8Array()), 'file'],
      [file(bytes), 'not-a-hash', 'sha256'],
    ];
    for (const [f, h, fieldName] of refused) {
      const err = await saveRecording(t.em(), t.dataDir, t.as('operator'), callId, f, h).catch((e) => e);
      expect(err).toBeInstanceOf(InvalidInput);
      expect(Object.keys((err as InvalidInput).fieldErrors)).toEqual([fieldName]);
    }
    const big = new Uint8Array(50 * 1024 * 1024 + 1);
    big.set(EBML);
    await expect(
      saveRecording(t.em(), t.dataDir, t.as('operator'), callId, file(big), sha256(big)),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect(recordings()).toEqual(before);
    const [row] = await t.sql('select recording_ref from call where call_id = ?', [callId]);
    expect(row.recording_ref).toBeNull();
  });

  it("lets only the call's agent upload", async () => {
    const callId = await answeredCall();
    const bytes = webm();
    for (const who of ['reviewer', 'supervisor', 'handler']) {
      await expect(
        saveRecording(t.em(), t.dataDir, t.as(who), callId, file(bytes), sha256(bytes)),
      ).rejects.toBeInstanceOf(Forbidden);
    }
    await expect(
      saveRecording(t.em(), t.dataDir, t.as('operator'), 'no-such-call', file(bytes), sha256(bytes)),
    ).rejects.toBeInstanceOf(NotFound);
    expect(recordings().some((f) => f.startsWith(sha256(bytes)))).toBe(false);
  });

  it('plays a recording to the agent, supervisors and whoever sees a linked appeal', async () => {
    const callId = await answeredCall();
    const bytes = webm();
    await saveRecording(t.em(), t.dataDir, t.as('operator'), callId, file(bytes), sha256(bytes));
    const open = (who: string) => openRecording(t.em(), t.dataDir, t.as(who), callId);
    expect((await open('operator')).size).toBe(bytes.byteLength);
    expect((await open('supervisor')).size).toBe(bytes.byteLength);
    // Not linked to any appeal yet: nobody else.
    for (const who of ['reviewer', 'dispatcher', 'handler', 'gridworker'])
      await expect(open(who)).rejects.toBeInstanceOf(Forbidden);

    const appeal = await submitAppeal(t.services, t.ids);
    await applyEvent(t.services, {
      appealId: appeal.id,
      expectedVersion: appeal.version,
      type: 'DISPATCH',
      payload: { departmentId: t.ids.departments.get('F02')! },
      actor: t.as('dispatcher'),
    });
    await linkCallToAppeal(t.em(), { callId, appealId: appeal.id, actor: t.as('operator') });
    expect((await open('reviewer')).size).toBe(bytes.byteLength);
    expect((await open('handler')).size).toBe(bytes.byteLength); // F02 handles the appeal
    await expect(open('handler2')).rejects.toBeInstanceOf(Forbidden);

    const calls = await callsForAppeal(t.em(), t.as('handler'), appeal.id);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      callId,
      direction: 'inbound',
      from: '138****8001',
      to: '12345',
      disposition: 'answered',
      waitSeconds: 5,
      talkSeconds: 60,
      hasRecording: true,
    });
    expect(calls[0].recordingUrl).toBe(`/telephony/calls/${encodeURIComponent(callId)}/recording`);

    // A file changed on disk is never served.
    writeFileSync(path.join(t.dataDir, 'recordings', `${sha256(bytes)}.webm`), webm());
    await expect(open('operator')).rejects.toBeInstanceOf(RecordingCorrupted);
  });
});
