import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppLoadContext } from '@remix-run/node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../machines/actor';
import { startSession } from '../../app/auth/session.server';
import { csrfTokenOf } from '../../app/auth/csrf.server';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../../app/domain/errors';
import {
  listReferralDocuments,
  readReferralDocument,
  uploadReferralDocument,
} from '../../app/referrals/documents.server';
import { action as uploadAction } from '../../app/routes/referrals.$id.documents';
import { loader as downloadLoader } from '../../app/routes/referral-documents.$documentId';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';
import { submitAppeal } from '../support/appeals';
import { listFiles, PDF, png, sha256 } from '../support/files';

const file = (bytes: Uint8Array, name: string, type: string) => new File([bytes], name, { type });

describe.each(DB_KINDS)('referral documents on %s', (kind) => {
  const t = useTestServices(kind, { dataDir: true });
  let appealId: number;
  let agencyId: number;
  let otherAgencyId: number;
  let mediatorId: number;
  let otherMediatorId: number;
  let referralId: number;
  let closedReferralId: number;

  const insertAgency = async (code: string, name: string) => {
    const now = new Date();
    const [row] = await t.sql<{ id: number }>(
      `insert into department (code, name, kind, path, hotline, active, referral_kind, created_at, updated_at)
       values (?, ?, 'functional', '/', '12345', true, 'mediation', ?, ?) returning id`,
      [code, name, now, now],
    );
    await t.sql(`update department set path = '/' || id || '/' where id = ?`, [row.id]);
    return row.id;
  };
  const insertMediator = async (username: string, displayName: string, departmentId: number) => {
    const now = new Date();
    const [row] = await t.sql<{ id: number }>(
      `insert into app_user (username, password_hash, display_name, role, department_id, phone, active, created_at, updated_at)
       values (?, 'x', ?, 'mediator', ?, null, true, ?, ?) returning id`,
      [username, displayName, departmentId, now, now],
    );
    return row.id;
  };
  const insertReferral = async (number: string, closed: boolean) => {
    const now = new Date();
    const [row] = await t.sql<{ id: number }>(
      `insert into referral (number, appeal_id, kind, agency_id, phase, machine_version, snapshot, clock_state, closed_at, referred_by_id, created_at, updated_at)
       values (?, ?, 'mediation', ?, ?, 1, ?, 'ok', ?, ?, ?, ?) returning id`,
      [
        number,
        appealId,
        agencyId,
        closed ? 'closed' : 'accepted',
        JSON.stringify({}),
        closed ? now : null,
        t.ids.users.get('dispatcher')!.id,
        now,
        now,
      ],
    );
    return row.id;
  };

  beforeAll(async () => {
    appealId = (await submitAppeal(t.services, t.ids)).id;
    agencyId = await insertAgency('TJ-TEST-1', '测试人民调解委员会');
    otherAgencyId = await insertAgency('TJ-TEST-2', '另一调解委员会');
    mediatorId = await insertMediator('tj_mediator', '陈调解', agencyId);
    otherMediatorId = await insertMediator('tj_mediator2', '林调解', otherAgencyId);
    referralId = await insertReferral('TJ2026990001', false);
    closedReferralId = await insertReferral('TJ2026990002', true);
  });

  const staff = (): Actor => ({ userId: mediatorId, role: 'mediator', departmentIds: [agencyId], gridIds: [] });
  const otherStaff = (): Actor => ({
    userId: otherMediatorId,
    role: 'mediator',
    departmentIds: [otherAgencyId],
    gridIds: [],
  });
  const documentCount = async () => {
    const [row] = await t.sql<{ n: number }>('select count(*)::int as n from referral_document');
    return row.n;
  };
  const filesRoot = () => path.join(t.dataDir, 'referral-documents');

  it('lets the agency staff upload, list and read a document; a supervisor can read it too', async () => {
    const bytes = png(1);
    const hash = sha256(bytes);
    const { id } = await uploadReferralDocument(t.db, staff(), referralId, {
      kind: 'evidence',
      file: file(bytes, '../现场\u202e照片.png', 'image/png'),
    });
    const [row] = await t.sql('select * from referral_document where id = ?', [id]);
    expect(row).toMatchObject({
      referral_id: referralId,
      kind: 'evidence',
      file_name: '现场照片.png',
      content_type: 'image/png',
      size: bytes.byteLength,
      sha256: hash,
      uploaded_by_id: mediatorId,
    });
    const stored = path.join(filesRoot(), hash.slice(0, 2), hash);
    expect(path.resolve(t.dataDir, row.storage_path)).toBe(stored);
    expect(sha256(readFileSync(stored))).toBe(hash);
    expect(listFiles(filesRoot()).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    await uploadReferralDocument(t.db, staff(), referralId, {
      kind: 'agreement',
      file: file(PDF, '调解协议书.pdf', ''),
    });
    const list = await listReferralDocuments(t.db, referralId);
    expect(list).toEqual([
      {
        id,
        kind: 'evidence',
        fileName: '现场照片.png',
        contentType: 'image/png',
        size: bytes.byteLength,
        uploadedByName: '陈调解',
        createdAt: expect.any(String),
      },
      {
        id: expect.any(Number),
        kind: 'agreement',
        fileName: '调解协议书.pdf',
        contentType: 'application/pdf',
        size: PDF.byteLength,
        uploadedByName: '陈调解',
        createdAt: expect.any(String),
      },
    ]);
    expect(Number.isNaN(Date.parse(list[0].createdAt))).toBe(false);
    expect(await listReferralDocuments(t.db, closedReferralId)).toEqual([]);

    const opened = await readReferralDocument(t.db, staff(), id);
    expect(opened).toMatchObject({
      referralId,
      kind: 'evidence',
      fileName: '现场照片.png',
      contentType: 'image/png',
      size: bytes.byteLength,
    });
    expect(sha256(opened.bytes)).toBe(hash);
    expect(sha256((await readReferralDocument(t.db, t.as('supervisor'), id)).bytes)).toBe(hash);
    expect((await readReferralDocument(t.db, t.as('dispatcher'), id)).size).toBe(bytes.byteLength);
  });

  it('refuses staff of another agency and other roles: 403 on upload, not found on read', async () => {
    const { id } = await uploadReferralDocument(t.db, staff(), referralId, {
      kind: 'identity',
      file: file(png(2), 'id.png', 'image/png'),
    });
    const before = await documentCount();
    const beforeFiles = listFiles(filesRoot());
    await expect(
      uploadReferralDocument(t.db, otherStaff(), referralId, {
        kind: 'evidence',
        file: file(png(3), 'x.png', 'image/png'),
      }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(
      uploadReferralDocument(t.db, t.as('supervisor'), referralId, {
        kind: 'evidence',
        file: file(png(3), 'x.png', 'image/png'),
      }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(
      uploadReferralDocument(t.db, t.as('handler'), referralId, {
        kind: 'evidence',
        file: file(png(3), 'x.png', 'image/png'),
      }),
    ).rejects.toBeInstanceOf(Forbidden);
    expect(await documentCount()).toBe(before);
    expect(listFiles(filesRoot())).toEqual(beforeFiles);

    await expect(readReferralDocument(t.db, otherStaff(), id)).rejects.toBeInstanceOf(NotFound);
    await expect(readReferralDocument(t.db, t.as('handler'), id)).rejects.toBeInstanceOf(NotFound);
    await expect(readReferralDocument(t.db, t.as('operator'), id)).rejects.toBeInstanceOf(NotFound);
    // The same answer as for a document that does not exist.
    await expect(readReferralDocument(t.db, staff(), 999_999)).rejects.toBeInstanceOf(NotFound);
    await expect(
      uploadReferralDocument(t.db, staff(), 999_999, { kind: 'evidence', file: file(png(3), 'x.png', 'image/png') }),
    ).rejects.toBeInstanceOf(NotFound);
  });

  it('refuses a file whose bytes do not match its type, or an unknown kind, and writes nothing', async () => {
    await uploadReferralDocument(t.db, staff(), referralId, {
      kind: 'other',
      file: file(png(4), 'seed.png', 'image/png'),
    }); // make sure the folder exists
    const before = await documentCount();
    const beforeFiles = listFiles(filesRoot());
    const attempts = [
      file(PDF, 'photo.png', 'image/png'),
      file(PDF, 'photo.png', ''),
      file(new TextEncoder().encode('not an image'), 'photo.png', 'image/png'),
      file(PDF, 'notes.txt', 'text/plain'),
      file(new Uint8Array([0x4d, 0x5a, 0x90, 0x00]), 'run.exe', 'application/x-msdownload'),
      file(new Uint8Array(0), 'empty.png', 'image/png'),
    ];
    for (const f of attempts) {
      const err = await uploadReferralDocument(t.db, staff(), referralId, { kind: 'evidence', file: f }).catch(
        (e) => e,
      );
      expect(err, f.name).toBeInstanceOf(InvalidInput);
      expect((err as InvalidInput).fieldErrors.file?.length, f.name).toBeGreaterThan(0);
    }
    const badKind = await uploadReferralDocument(t.db, staff(), referralId, {
      kind: 'contract',
      file: file(png(5), 'ok.png', 'image/png'),
    }).catch((e) => e);
    expect(badKind).toBeInstanceOf(InvalidInput);
    expect((badKind as InvalidInput).fieldErrors.kind?.length).toBeGreaterThan(0);
    expect(await documentCount()).toBe(before);
    expect(listFiles(filesRoot())).toEqual(beforeFiles);
  });

  it('refuses uploads to a closed case with a conflict', async () => {
    const before = await documentCount();
    const err = await uploadReferralDocument(t.db, staff(), closedReferralId, {
      kind: 'ruling',
      file: file(png(6), 'ruling.png', 'image/png'),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(Conflict);
    expect(err).toMatchObject({ status: 409 });
    expect(await documentCount()).toBe(before);
    expect(listFiles(filesRoot()).some((f) => f.endsWith(sha256(png(6))))).toBe(false);
  });

  describe('routes', () => {
    const context = () => ({ runtime: { db: t.db } }) as unknown as AppLoadContext;
    const cookieFor = async (userId: number) => (await startSession(t.em(), userId)).split(';')[0];
    const upload = async (userId: number, id: number, form: FormData) => {
      const cookie = await cookieFor(userId);
      // The session's CSRF token, as the page's form sends it.
      const token = (await csrfTokenOf(new Request('http://localhost/', { headers: { Cookie: cookie } })))!;
      const request = new Request(`http://localhost/referrals/${id}/documents`, {
        method: 'POST',
        body: form,
        headers: { Cookie: cookie, 'X-CSRF-Token': token },
      });
      return uploadAction({ request, context: context(), params: { id: String(id) } });
    };
    const download = async (userId: number, documentId: number) => {
      const request = new Request(`http://localhost/referral-documents/${documentId}`, {
        headers: { Cookie: await cookieFor(userId) },
      });
      return downloadLoader({ request, context: context(), params: { documentId: String(documentId) } }).catch(
        (e: unknown) => e as Response,
      );
    };
    const form = (kind: string | null, f: File | null) => {
      const fd = new FormData();
      if (kind !== null) fd.set('kind', kind);
      if (f) fd.set('file', f);
      return fd;
    };

    it('uploads by multipart form and redirects back to the case; downloads as an attachment', async () => {
      const res = await upload(mediatorId, referralId, form('evidence', file(png(7), '收据.png', 'image/png')));
      expect(res.status).toBe(303);
      expect(res.headers.get('Location')).toBe(`/referrals/${referralId}`);
      const doc = (await listReferralDocuments(t.db, referralId)).find((d) => d.fileName === '收据.png')!;
      expect(doc).toMatchObject({ kind: 'evidence', contentType: 'image/png' });

      const got = await download(t.ids.users.get('supervisor')!.id, doc.id);
      expect(got.status).toBe(200);
      expect(got.headers.get('Content-Type')).toBe('image/png');
      expect(got.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(got.headers.get('Content-Disposition')).toBe(
        `attachment; filename="__.png"; filename*=UTF-8''${encodeURIComponent('收据.png')}`,
      );
      expect(sha256(new Uint8Array(await got.arrayBuffer()))).toBe(sha256(png(7)));

      expect((await download(otherMediatorId, doc.id)).status).toBe(404);
    });

    it('answers refusals like the attachment route', async () => {
      const bad = await upload(mediatorId, referralId, form('evidence', file(PDF, 'photo.png', 'image/png')));
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ fieldErrors: { file: [expect.any(String)] } });
      const noKind = await upload(mediatorId, referralId, form(null, file(png(8), 'a.png', 'image/png')));
      expect(noKind.status).toBe(400);
      expect(await noKind.json()).toMatchObject({ fieldErrors: { kind: [expect.any(String)] } });
      const noFile = await upload(mediatorId, referralId, form('evidence', null));
      expect(noFile.status).toBe(400);
      expect(
        (await upload(otherMediatorId, referralId, form('evidence', file(png(8), 'a.png', 'image/png')))).status,
      ).toBe(403);
      expect(
        (await upload(mediatorId, closedReferralId, form('evidence', file(png(8), 'a.png', 'image/png')))).status,
      ).toBe(409);
      // Only mediators reach the upload at all.
      const handler = await upload(
        t.ids.users.get('handler')!.id,
        referralId,
        form('evidence', file(png(8), 'a.png', 'image/png')),
      ).catch((e: unknown) => e as Response);
      expect(handler.status).toBe(403);
    });
  });
});
