import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { requireUserWith } from '../auth/session.server';
import { PhotoPreviews } from '../components/photo-previews';
import { MAX_PHOTOS } from '../field/field.server';
import { createPatrolReport, patrolPage } from '../field/patrol.server';
import { domain, jsonFailure } from '../http/errors.server';
import { bytesOf, PHOTO_WORDS, readUpload } from '../http/upload.server';
import { useT } from '../i18n/use-t';
import { PHASE_LABELS } from '../ui/labels';
import { csrfHeaders } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '巡查上报 · 12345 热线' }];

const PATROL_FIELDS = [
  'intent',
  'categoryId',
  'title',
  'content',
  'lat',
  'lng',
  'address',
  'result',
  'requestKey',
] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'patrol:report');
  return await domain(() => patrolPage(context.runtime.db.em(), user.actor));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'patrol:report');
  try {
    // The photos before and after; the words of the report are checked by the domain, whatever their length.
    const { files, fields } = await readUpload(request, {
      files: ['before', 'after'],
      maxFiles: 2 * MAX_PHOTOS,
      fields: PATROL_FIELDS,
      maxFieldLength: Infinity,
      words: { ...PHOTO_WORDS, tooMuch: '照片太多或太大' },
    });
    const r = await createPatrolReport(context.runtime.services, user.actor, {
      ...fields,
      result: fields.result || undefined,
      before: await Promise.all(files.before.map(bytesOf)),
      after: await Promise.all(files.after.map(bytesOf)),
    });
    return json({ ok: true as const, id: r.id, number: r.number });
  } catch (err) {
    return jsonFailure(err);
  }
}

// ---- the draft in IndexedDB (browser only: every call runs in an effect or a handler) ----

interface Draft {
  requestKey: string;
  categoryId: string;
  title: string;
  content: string;
  lat: string;
  lng: string;
  address: string;
  /** The grid's part of the address as it was prefilled; while the field still holds just that, a new fix replaces it. */
  addressFromGrid: string;
  handled: boolean;
  result: string;
  before: { name: string; type: string; blob: Blob }[];
  after: { name: string; type: string; blob: Blob }[];
  /** Set when a submit could not reach the server: the `online` event sends it. */
  pending: 'dispatch' | 'selfHandle' | null;
}

const DB_NAME = 'hotline-patrol';
const KEY = 'draft';

function idb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('drafts');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
async function idbDo<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await idb();
  return new Promise<T>((resolve, reject) => {
    const req = fn(db.transaction('drafts', mode).objectStore('drafts'));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
const loadDraft = () => idbDo<Draft | undefined>('readonly', (s) => s.get(KEY) as IDBRequest<Draft | undefined>);
const storeDraft = (d: Draft) => idbDo('readwrite', (s) => s.put(d, KEY));
const clearDraft = () => idbDo('readwrite', (s) => s.delete(KEY));

function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
const emptyDraft = (): Draft => ({
  requestKey: newKey(),
  categoryId: '',
  title: '',
  content: '',
  lat: '',
  lng: '',
  address: '',
  addressFromGrid: '',
  handled: false,
  result: '',
  before: [],
  after: [],
  pending: null,
});

type Sent =
  | { ok: true; id: number; number: string }
  | { ok: false; message: string; fieldErrors: Record<string, string[]> }
  | 'offline';

async function send(d: Draft, intent: 'dispatch' | 'selfHandle'): Promise<Sent> {
  if (!navigator.onLine) return 'offline';
  const body = new FormData();
  for (const k of ['requestKey', 'categoryId', 'title', 'content', 'lat', 'lng', 'address'] as const) body.set(k, d[k]);
  body.set('intent', intent);
  if (intent === 'selfHandle') body.set('result', d.result);
  for (const f of d.before) body.append('before', new File([f.blob], f.name, { type: f.type }));
  if (intent === 'selfHandle')
    for (const f of d.after) body.append('after', new File([f.blob], f.name, { type: f.type }));
  try {
    const res = await fetch('/field/patrol?_data=routes%2Ffield.patrol', {
      method: 'POST',
      body,
      headers: csrfHeaders(),
    });
    return (await res.json()) as Sent;
  } catch {
    return 'offline'; // a network error: the request never got an answer
  }
}

export default function PatrolPage() {
  const { categories, grids, mine } = useLoaderData<typeof loader>();
  const { t } = useT();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [status, setStatus] = useState<{
    kind: 'offline' | 'error' | 'done' | 'sending' | 'locating';
    text: string;
    id?: number;
  } | null>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const sending = useRef(false);
  const current = useRef<Draft | null>(null);
  current.current = draft;

  useEffect(() => {
    loadDraft()
      .then((d) => {
        // A draft saved before the page had an address field gets the fields it lacks.
        const loaded = { ...emptyDraft(), ...d };
        setDraft(loaded);
        current.current = loaded;
        if (!loaded.pending) return;
        // Saved offline and the page opened again: send it now if the phone is online, else on 'online'.
        if (navigator.onLine) void submit(loaded.pending);
        else setStatus({ kind: 'offline', text: t('已离线保存，联网后自动提交') });
      })
      .catch(() => setDraft(emptyDraft()));
    // Once, when the page opens: submit reads the draft through a ref, not from this render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const update = (patch: Partial<Draft>) => {
    setDraft((d) => {
      if (!d) return d;
      const next = { ...d, ...patch };
      void storeDraft(next);
      return next;
    });
  };

  const submit = async (intent: 'dispatch' | 'selfHandle') => {
    const d = current.current;
    if (!d || sending.current) return;
    sending.current = true;
    setStatus({ kind: 'sending', text: t('正在提交…') });
    const r = await send(d, intent);
    sending.current = false;
    if (r === 'offline') {
      const saved = { ...d, pending: intent };
      await storeDraft(saved);
      setDraft(saved);
      setStatus({ kind: 'offline', text: t('已离线保存，联网后自动提交') });
    } else if (r.ok) {
      await clearDraft();
      setDraft(emptyDraft());
      setErrors({});
      setStatus({ kind: 'done', text: t('已上报 {{number}}', { number: r.number }), id: r.id });
    } else {
      const kept = { ...d, pending: null };
      await storeDraft(kept);
      setDraft(kept);
      setErrors(r.fieldErrors ?? {});
      setStatus({ kind: 'error', text: t(r.message) });
    }
  };

  // Back online: send the saved draft once; the request key makes a second arrival harmless anyway.
  useEffect(() => {
    const onOnline = () => {
      const d = current.current;
      if (d?.pending) void submit(d.pending);
    };
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
    // One listener for the page's life: submit reads the draft through a ref, not from this render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The grid the fix falls in begins the address (the worker adds building and door); offline it stays as it is
  // and the server fills in the grid's place when the address is left empty.
  const prefillAddress = async (lat: string, lng: string) => {
    try {
      const res = await fetch(`/grids/locate?${new URLSearchParams({ lat, lng })}`);
      if (!res.ok) return;
      const { grid } = (await res.json()) as { grid: { id: number } | null };
      const place = grids.find((g) => g.id === grid?.id)?.address;
      const d = current.current;
      if (!place || !d || (d.address.trim() && d.address.trim() !== d.addressFromGrid)) return;
      update({ address: place, addressFromGrid: place });
    } catch {
      // No connection: the address stays as the worker left it.
    }
  };
  const locate = () => {
    setStatus({ kind: 'locating', text: t('正在定位…') });
    navigator.geolocation.getCurrentPosition(
      (p) => {
        const [lat, lng] = [p.coords.latitude.toFixed(6), p.coords.longitude.toFixed(6)];
        update({ lat, lng });
        setStatus(null);
        void prefillAddress(lat, lng);
      },
      () => setStatus({ kind: 'error', text: t('定位失败，请检查定位权限') }),
      { enableHighAccuracy: true, timeout: 15000 },
    );
  };
  const addPhotos = (stage: 'before' | 'after', list: FileList | null) => {
    if (!list || !draft) return;
    const added = Array.from(list).map((f) => ({ name: f.name, type: f.type, blob: f as Blob }));
    update({ [stage]: [...draft[stage], ...added].slice(0, MAX_PHOTOS) } as Partial<Draft>);
  };
  // The phone's camera or gallery; the same input is cleared after each pick so the same photo can be added again.
  const photoPicker = (stage: 'before' | 'after', label: string) => (
    <>
      <label className="block text-sm">
        {t(label)}
        <input
          type="file"
          accept="image/*"
          capture="environment"
          multiple
          className="mt-1 block w-full text-sm"
          onChange={(e) => {
            addPhotos(stage, e.target.files);
            e.target.value = '';
          }}
        />
      </label>
      <p className="text-xs text-slate-500" data-testid={`${stage}-count`}>
        {t('已选 {{n}} 张', { n: draft ? draft[stage].length : 0 })}
      </p>
      {draft ? (
        <PhotoPreviews
          photos={draft[stage]}
          testId={`${stage}-preview`}
          onRemove={(i) => update({ [stage]: draft[stage].filter((_, k) => k !== i) } as Partial<Draft>)}
        />
      ) : null}
      {err(stage)}
    </>
  );
  const err = (k: string) =>
    errors[k]?.length ? <p className="text-xs text-red-700">{errors[k].map((m) => t(m)).join('；')}</p> : null;
  const input = 'mt-1 block w-full rounded border px-2 py-2 text-base';

  return (
    <div className="mx-auto max-w-lg space-y-3">
      <div className="flex items-center justify-between">
        <h1 className="text-base font-semibold" data-testid="patrol-title">
          {t('巡查上报')}
        </h1>
        <Link to="/field" className="text-sm text-blue-700 underline">
          {t('返回外勤待办')}
        </Link>
      </div>
      {status ? (
        <p
          role="status"
          data-testid="patrol-status"
          className={`rounded p-2 text-sm ${status.kind === 'error' ? 'bg-red-50 text-red-800' : status.kind === 'done' ? 'bg-emerald-50 text-emerald-800' : 'bg-amber-50 text-amber-900'}`}
        >
          {status.text}
          {status.id ? (
            <>
              {' '}
              ·{' '}
              <Link to={`/field/appeals/${status.id}`} className="underline" data-testid="patrol-link">
                {t('查看')}
              </Link>
            </>
          ) : null}
        </p>
      ) : null}
      {draft ? (
        <form
          aria-label={t('巡查上报')}
          className="space-y-3 rounded-lg border bg-white p-3"
          onSubmit={(e) => e.preventDefault()}
        >
          <label className="block text-sm">
            {t('分类')}
            <select className={input} value={draft.categoryId} onChange={(e) => update({ categoryId: e.target.value })}>
              <option value="">{t('请选择')}</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          {err('categoryId')}
          <label className="block text-sm">
            {t('标题')}
            <input className={input} value={draft.title} onChange={(e) => update({ title: e.target.value })} />
          </label>
          {err('title')}
          <label className="block text-sm">
            {t('描述')}
            <textarea
              className={input}
              rows={3}
              value={draft.content}
              onChange={(e) => update({ content: e.target.value })}
            />
          </label>
          {err('content')}
          <div className="flex items-center justify-between gap-2 text-sm">
            <span data-testid="patrol-location">{draft.lat ? `${draft.lat}, ${draft.lng}` : t('尚未定位')}</span>
            <button type="button" onClick={locate} className="rounded border px-3 py-2">
              {t('定位')}
            </button>
          </div>
          {err('lat')}
          {err('location')}
          <label className="block text-sm">
            {t('地址')}
            <input
              className={input}
              value={draft.address}
              placeholder={t('定位后按网格预填，请补充楼栋、门牌')}
              onChange={(e) => update({ address: e.target.value })}
            />
          </label>
          {err('address')}
          {photoPicker('before', '现场照片（处置前）')}
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={draft.handled} onChange={(e) => update({ handled: e.target.checked })} />
            {t('现场已处置')}
          </label>
          {draft.handled ? (
            <>
              <label className="block text-sm">
                {t('处置结果')}
                <textarea
                  className={input}
                  rows={2}
                  value={draft.result}
                  onChange={(e) => update({ result: e.target.value })}
                />
              </label>
              {err('result')}
              {photoPicker('after', '处置后照片')}
            </>
          ) : null}
          <div className="flex gap-2">
            {draft.handled ? (
              <button
                type="button"
                className="flex-1 rounded bg-emerald-700 px-3 py-2 text-white"
                onClick={() => void submit('selfHandle')}
              >
                {t('自行处置')}
              </button>
            ) : (
              <button
                type="button"
                className="flex-1 rounded bg-blue-700 px-3 py-2 text-white"
                onClick={() => void submit('dispatch')}
              >
                {t('上报派单')}
              </button>
            )}
          </div>
        </form>
      ) : (
        <p className="text-slate-500">{t('正在载入草稿…')}</p>
      )}
      <section aria-label={t('本人巡查上报')}>
        <h2 className="text-sm font-semibold">{t('本人巡查上报')}</h2>
        <ul className="mt-1 space-y-1" data-testid="patrol-mine">
          {mine.map((m) => (
            <li key={m.id} data-testid="patrol-mine-item" className="rounded border bg-white p-2 text-sm">
              <Link to={`/field/appeals/${m.id}`} className="block">
                <span className="font-mono text-xs text-slate-500">{m.number}</span>{' '}
                <span className="rounded bg-slate-100 px-1 text-xs">{t(PHASE_LABELS[m.phase] ?? m.phase)}</span>
                <span className="block break-words">{m.title}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
