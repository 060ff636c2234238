import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openAttachment, saveAttachment } from '../../app/appeals/attachments.server';
import { sanitizeFileName } from '../../app/storage/stored-file.server';
import { applyEvent } from '../../app/appeals/service.server';
import { Forbidden, InvalidInput, NotFound } from '../../app/domain/errors';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { counts, submitAppeal } from '../support/appeals';
import { listFiles, PDF, PNG, png, sha256 } from '../support/files';

describe.each(DB_KINDS)('attachments on %s', (kind) => {
  const t = useTestServices(kind, { dataDir: true });
  let appealId: number;
  beforeAll(async () => {
    const a = await submitAppeal(t.services, t.ids);
    await applyEvent(t.services, {
      appealId: a.id,
      expectedVersion: a.version,
      type: 'DISPATCH',
      payload: { departmentId: t.ids.departments.get('F02')! },
      actor: t.as('dispatcher'),
    });
    appealId = a.id;
  });
  const attachmentCount = async () => {
    const [row] = await t.sql<{ n: number }>('select count(*)::int as n from attachment where appeal_id = ?', [
      appealId,
    ]);
    return row.n;
  };
  const filesRoot = () => path.join(t.dataDir, 'attachments');

  it('stores a PNG under the data folder by its sha256 and records size and type', async () => {
    const bytes = png(1);
    const hash = sha256(bytes);
    const { id } = await saveAttachment(t.db, t.as('handler'), appealId, {
      name: '现场照片.png',
      type: 'image/png',
      bytes,
    });
    const [row] = await t.sql('select * from attachment where id = ?', [id]);
    expect(row).toMatchObject({
      appeal_id: appealId,
      file_name: '现场照片.png',
      content_type: 'image/png',
      size: bytes.byteLength,
      sha256: hash,
      uploaded_by_id: t.ids.users.get('handler')!.id,
    });
    const stored = path.join(t.dataDir, 'attachments', hash.slice(0, 2), hash);
    expect(path.resolve(t.dataDir, row.storage_path)).toBe(stored);
    expect(sha256(readFileSync(stored))).toBe(hash);
    expect(listFiles(filesRoot()).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const opened = await openAttachment(t.db, t.as('handler'), id);
    expect(opened).toMatchObject({
      fileName: '现场照片.png',
      contentType: 'image/png',
      size: bytes.byteLength,
      path: stored,
    });
    expect(sha256(opened.bytes)).toBe(hash);
    // City-wide roles see every appeal, so they may open its files too.
    expect((await openAttachment(t.db, t.as('supervisor'), id)).size).toBe(bytes.byteLength);

    // The same bytes again: a second row, one stored file.
    const again = await saveAttachment(t.db, t.as('dispatcher'), appealId, {
      name: 'copy.png',
      type: 'image/png',
      bytes,
    });
    expect(again.sha256).toBe(hash);
    expect(listFiles(filesRoot()).filter((f) => f.endsWith(hash))).toHaveLength(1);
  });

  it('refuses a renamed file, a wrong type, an empty or oversize file, and writes nothing', async () => {
    await saveAttachment(t.db, t.as('handler'), appealId, { name: 'seed.png', type: 'image/png', bytes: png(2) }); // make sure the folder exists
    const beforeRows = await attachmentCount();
    const beforeFiles = listFiles(filesRoot());
    const attempts = [
      { name: 'photo.png', type: 'image/png', bytes: PDF },
      { name: 'photo.png', type: 'image/png', bytes: new TextEncoder().encode('just some text, not an image') },
      { name: 'photo.png', type: '', bytes: PDF },
      { name: 'report.pdf', type: 'text/plain', bytes: PDF },
      { name: 'notes.txt', type: 'text/plain', bytes: PDF },
      { name: 'photo.png', type: 'text/plain', bytes: new TextEncoder().encode('hello') },
      { name: 'run.exe', type: 'application/x-msdownload', bytes: new Uint8Array([0x4d, 0x5a, 0x90, 0x00]) },
      { name: 'page.html', type: 'text/html', bytes: new TextEncoder().encode('<script>alert(1)</script>') },
      { name: 'empty.png', type: 'image/png', bytes: new Uint8Array(0) },
      {
        name: 'big.png',
        type: 'image/png',
        bytes: new Uint8Array(Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)])),
      },
      { name: '\u0000/../', type: 'image/png', bytes: png(3) },
    ];
    for (const file of attempts) {
      const err = await saveAttachment(t.db, t.as('handler'), appealId, file).catch((e) => e);
      expect(err, file.name).toBeInstanceOf(InvalidInput);
      expect((err as InvalidInput).fieldErrors.file?.length, file.name).toBeGreaterThan(0);
    }
    expect(await attachmentCount()).toBe(beforeRows);
    expect(listFiles(filesRoot())).toEqual(beforeFiles);

    // Exactly 10 MiB is still allowed.
    const max = new Uint8Array(10 * 1024 * 1024);
    max.set(PNG);
    await expect(
      saveAttachment(t.db, t.as('handler'), appealId, { name: 'max.png', type: 'image/png', bytes: max }),
    ).resolves.toMatchObject({ id: expect.any(Number) });
  });

  it('cleans file names: no path, no control characters, at most 200 characters', async () => {
    expect(sanitizeFileName('C:\\Users\\me\\..\\照片.jpg')).toBe('照片.jpg');
    expect(sanitizeFileName('../../etc/passwd\u0000.png')).toBe('passwd.png');
    expect(sanitizeFileName('evil\u202egnp.exe\n.png')).toBe('evilgnp.exe.png');
    const long = sanitizeFileName(`${'长'.repeat(300)}.pdf`);
    expect([...long]).toHaveLength(200);
    expect(long.endsWith('.pdf')).toBe(true);
    const { id } = await saveAttachment(t.db, t.as('handler'), appealId, {
      name: '../../secret/\u0007整改 说明.txt',
      type: 'text/plain',
      bytes: new TextEncoder().encode('已整改完毕。'),
    });
    expect((await openAttachment(t.db, t.as('handler'), id)).fileName).toBe('整改 说明.txt');
  });

  it('refuses a handler of another department on upload and on open, and roles that may not upload', async () => {
    const { id } = await saveAttachment(t.db, t.as('handler'), appealId, {
      name: 'scope.png',
      type: 'image/png',
      bytes: png(4),
    });
    const beforeRows = await attachmentCount();
    await expect(
      saveAttachment(t.db, t.as('handler2'), appealId, { name: 'x.png', type: 'image/png', bytes: png(5) }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(openAttachment(t.db, t.as('handler2'), id)).rejects.toBeInstanceOf(Forbidden);
    await expect(
      saveAttachment(t.db, t.as('mediator'), appealId, { name: 'x.png', type: 'image/png', bytes: png(5) }),
    ).rejects.toBeInstanceOf(Forbidden);
    expect(await attachmentCount()).toBe(beforeRows);
    expect(listFiles(filesRoot()).some((f) => f.endsWith(sha256(png(5))))).toBe(false);
    await expect(
      saveAttachment(t.db, t.as('handler'), 999_999, { name: 'x.png', type: 'image/png', bytes: png(6) }),
    ).rejects.toBeInstanceOf(NotFound);
    await expect(openAttachment(t.db, t.as('handler'), 999_999)).rejects.toBeInstanceOf(NotFound);
  });

  it('refuses to hand out a stored file that was changed or removed', async () => {
    const bytes = png(7);
    const { id } = await saveAttachment(t.db, t.as('handler'), appealId, {
      name: 'tamper.png',
      type: 'image/png',
      bytes,
    });
    const hash = sha256(bytes);
    const stored = path.join(t.dataDir, 'attachments', hash.slice(0, 2), hash);
    const tampered = Buffer.from(bytes);
    tampered[20] ^= 0xff; // same size, different content
    writeFileSync(stored, tampered);
    await expect(openAttachment(t.db, t.as('handler'), id)).rejects.toMatchObject({
      status: 500,
      message: expect.stringContaining('校验失败'),
    });
    writeFileSync(stored, Buffer.concat([bytes, Buffer.from([0])]));
    await expect(openAttachment(t.db, t.as('handler'), id)).rejects.toMatchObject({ status: 500 });
    rmSync(stored);
    await expect(openAttachment(t.db, t.as('handler'), id)).rejects.toMatchObject({ status: 500 });
    // Uploading the same bytes again repairs the stored copy.
    await saveAttachment(t.db, t.as('handler'), appealId, { name: 'tamper-again.png', type: 'image/png', bytes });
    expect(sha256((await openAttachment(t.db, t.as('handler'), id)).bytes)).toBe(hash);
  });

  it('refuses uploads once the appeal is closed', async () => {
    const a = await submitAppeal(t.services, t.ids);
    const step = async (user: string, type: string, payload: Record<string, unknown> = {}) => {
      const before = await counts(t.db, a.id);
      await applyEvent(t.services, {
        appealId: a.id,
        expectedVersion: before.version,
        type,
        payload,
        actor: t.as(user),
      });
    };
    await step('dispatcher', 'DISPATCH', { departmentId: t.ids.departments.get('F02')! });
    await step('handler', 'ACCEPT');
    await step('handler', 'REPLY', { result: '已清运', resolved: true });
    await step('reviewer', 'APPROVE_REPLY');
    await step('reviewer', 'FEEDBACK', { satisfaction: 'satisfied', resolved: true });
    expect((await counts(t.db, a.id)).phase).toBe('closed');
    await expect(
      saveAttachment(t.db, t.as('supervisor'), a.id, { name: 'late.png', type: 'image/png', bytes: png(8) }),
    ).rejects.toBeInstanceOf(Forbidden);
  });
});
