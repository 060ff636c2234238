import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from '@remix-run/react';
import leafletCss from 'leaflet/dist/leaflet.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { BlockedCallerWarning } from '../components/blocked-caller';
import { DuplicateHints } from '../components/duplicate-hints';
import { PossiblePolicies, citationText, type PolicyCitation } from '../components/possible-policies';
import { PolicyHandover, type HandoverPolicy, type HandoverReason } from '../components/policy-handover';
import { outlineGrids, useGridMap } from '../components/grid-map-loader';
import { gridOutlines, type GridOutline } from '../grids/grids.server';
import { domain, formFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import {
  callerHistory,
  draftForIntake,
  intakeOptions,
  newRequestKey,
  recordIntake,
  recordsForCaller,
  type DuplicateHint,
} from '../intake/intake.server';
import { useT } from '../i18n/use-t';
import { PHASE_LABELS, TYPE_LABELS, URGENCY_LABELS } from '../ui/labels';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction = () => [{ title: '来电登记 · 12345 热线' }];

// Leaflet's own CSS for the location picker.
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: leafletCss }];

const draftParam = z.coerce.number().int().positive();

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'appeal:intake');
  const params = new URL(request.url).searchParams;
  const em = context.runtime.db.em();
  // A saved draft reopens here with all it holds; once submitted or discarded, its page shows what became of it.
  let draft = null;
  if (params.has('draft')) {
    const id = draftParam.safeParse(params.get('draft'));
    if (!id.success) throw new Response('诉求不存在', { status: 404 });
    draft = await domain(() => draftForIntake(em, user.actor, id.data));
    if (!draft) throw redirect(`/appeals/${id.data}`);
  }
  const phone = params.get('phone') ?? draft?.values.callerPhone ?? '';
  // Set when answering a call opened this form: saving the appeal links it to the call.
  const callId = params.get('call') ?? '';
  const history = phone ? await domain(() => callerHistory(em, user.actor, phone)) : null;
  // The caller's recorded benefits, for a complaint about one of them (政策异议).
  const records = phone ? await domain(() => recordsForCaller(em, user.actor, phone)) : [];
  // A fresh key per rendered form: submitting the same form twice creates one appeal.
  const outlines = await domain(() => gridOutlines(em, user.actor));
  return {
    phone,
    callId,
    history,
    records,
    draft,
    saved: Boolean(draft && params.get('saved') === '1'),
    requestKey: newRequestKey(),
    outlines,
    ...(await intakeOptions(em)),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'appeal:intake');
  const { form: data, refused } = await readFormWithRefusal(request);
  const form = Object.fromEntries(data);
  const [intent, mergeInto] = String(form.intent ?? '').split(':');
  try {
    if (refused) throw refused;
    const r = await recordIntake(context.runtime.services, user.actor, {
      ...form,
      intent,
      ...(mergeInto ? { mergeInto } : {}),
    });
    // A kept draft reopens in this form to go on with the call; anything else shows the appeal.
    return redirect(intent === 'draft' ? `/intake?draft=${r.appealId}&saved=1` : `/appeals/${r.appealId}`);
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure }, { status });
  }
}

const field = 'mt-1 w-full rounded border px-2 py-1';

interface Article {
  id: number;
  title: string;
  body: string;
  department: string | null;
}

interface PolicyHit {
  policyId: number;
  number: string;
  versionNo: number;
  title: string;
  withoutApplication: boolean;
  leadDepartment: string;
  liaisons: { name: string; phone: string }[];
  chiefRepresentative: { name: string; phone: string | null } | null;
  benefit: string;
  items: { no: number; text: string }[];
}

/**
 * Searches the published policy catalogue (政策库) beside the knowledge base; "引用" copies an item into the reply,
 * "转首席代表" and "政策异议" hand the call to the policy's lead department.
 */
function PolicySearch({
  onCite,
  onHandover,
}: {
  onCite: (citation: PolicyCitation, text: string) => void;
  onHandover: (policy: HandoverPolicy, reason: HandoverReason) => void;
}) {
  const found = useFetcher<{ policies: PolicyHit[] }>();
  const { t } = useT();
  const [q, setQ] = useState('');
  useEffect(() => {
    if (q.trim().length < 2) return;
    const timer = setTimeout(() => found.load(`/policies/search?q=${encodeURIComponent(q.trim())}`), 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);
  return (
    <div className="mt-2" role="search" aria-label={t('政策库')}>
      {/* no name: the search words are not part of the appeal */}
      <label className="block">
        <span className="text-slate-600">{t('搜索政策库')}</span>
        <input value={q} onChange={(e) => setQ(e.target.value)} className={field} />
      </label>
      {found.data?.policies.length ? (
        <ul className="mt-1 space-y-1" aria-label={t('政策库结果')}>
          {found.data.policies.map((p) => (
            <li key={p.policyId} className="rounded bg-slate-50 p-2">
              <div className="flex items-center gap-2">
                <a href={`/policies/${p.policyId}`} target="_blank" rel="noreferrer" className="font-medium">
                  {p.title}
                </a>
                {p.withoutApplication ? (
                  <span className="rounded bg-emerald-100 px-1 text-xs text-emerald-800">{t('免申即享')}</span>
                ) : null}
                <span className="text-xs text-slate-400">
                  {p.number} v{p.versionNo}
                </span>
              </div>
              <p className="line-clamp-2 text-xs text-slate-600">{p.benefit}</p>
              <ol className="mt-1 space-y-0.5">
                {p.items.map((i) => (
                  <li key={i.no} className="flex items-start justify-between gap-2 text-xs">
                    <span className="line-clamp-2">{i.text}</span>
                    <button
                      type="button"
                      onClick={() =>
                        onCite(
                          {
                            policyId: p.policyId,
                            versionNo: p.versionNo,
                            itemNo: i.no,
                            title: p.title,
                            number: p.number,
                          },
                          citationText(p, i),
                        )
                      }
                      className="shrink-0 rounded border px-2 py-0.5"
                      aria-label={t('引用 {{title}} 第 {{n}} 条', { title: p.title, n: i.no })}
                    >
                      {t('引用')}
                    </button>
                  </li>
                ))}
              </ol>
              <div className="mt-1 flex gap-2">
                {(['consultation', 'complaint'] as const).map((reason) => (
                  <button
                    key={reason}
                    type="button"
                    onClick={() =>
                      onHandover(
                        {
                          policyId: p.policyId,
                          number: p.number,
                          title: p.title,
                          leadDepartment: p.leadDepartment,
                          chiefRepresentative: p.chiefRepresentative,
                        },
                        reason,
                      )
                    }
                    className="rounded border border-amber-400 bg-white px-2 py-0.5 text-xs text-amber-900"
                    aria-label={t(reason === 'consultation' ? '转首席代表：{{title}}' : '政策异议：{{title}}', {
                      title: p.title,
                    })}
                  >
                    {t(reason === 'consultation' ? '转首席代表' : '政策异议')}
                  </button>
                ))}
              </div>
              <p className="text-xs text-slate-400">
                {t('牵头单位：{{name}}', { name: p.leadDepartment })}
                {p.chiefRepresentative
                  ? ` · ${t('首席代表')} ${p.chiefRepresentative.name}${p.chiefRepresentative.phone ? ` ${p.chiefRepresentative.phone}` : ''}`
                  : ''}
                {p.liaisons.length
                  ? ` · ${t('政策联络员')} ${p.liaisons.map((l) => `${l.name} ${l.phone}`).join('、')}`
                  : ''}
              </p>
            </li>
          ))}
        </ul>
      ) : found.data ? (
        <p className="mt-1 text-xs text-slate-500">{t('没有找到相关政策')}</p>
      ) : null}
    </div>
  );
}

/** Searches the knowledge base while the caller waits; "引用" copies an answer into the reply. */
function KnowledgeSearch({ onUse }: { onUse: (a: Article) => void }) {
  const kb = useFetcher<{ articles: Article[] }>();
  const { t } = useT();
  const [q, setQ] = useState('');
  useEffect(() => {
    if (q.trim().length < 2) return;
    const timer = setTimeout(() => kb.load(`/knowledge/search?q=${encodeURIComponent(q.trim())}`), 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);
  return (
    <div className="mt-2" role="search" aria-label={t('知识库')}>
      {/* no name: the search words are not part of the appeal */}
      <label className="block">
        <span className="text-slate-600">{t('搜索知识库')}</span>
        <input value={q} onChange={(e) => setQ(e.target.value)} className={field} />
      </label>
      {kb.data?.articles.length ? (
        <ul className="mt-1 space-y-1" aria-label={t('知识库结果')}>
          {kb.data.articles.map((a) => (
            <li key={a.id} className="rounded bg-slate-50 p-2">
              <div className="flex items-center justify-between gap-2">
                <span className="font-medium">{a.title}</span>
                <button type="button" onClick={() => onUse(a)} className="rounded border px-2 py-0.5 text-xs">
                  {t('引用')}
                </button>
              </div>
              <p className="line-clamp-2 text-xs text-slate-600">{a.body}</p>
              {a.department ? (
                <p className="text-xs text-slate-400">{t('责任单位：{{name}}', { name: a.department })}</p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : kb.data ? (
        <p className="mt-1 text-xs text-slate-500">{t('没有找到相关答复')}</p>
      ) : null}
    </div>
  );
}

type Located =
  | { state: 'idle' }
  | { state: 'looking' }
  | { state: 'found'; grid: { id: number; code: string; name: string } | null };

const inRange = (v: string, limit: number) =>
  v.trim() !== '' && Number.isFinite(Number(v)) && Math.abs(Number(v)) <= limit;

/**
 * Where the matter is: a click on the grid map, or coordinates typed by keyboard users. Both fill
 * the hidden lat/lng fields; the grid the point is in is looked up for the operator to see, and the
 * server looks it up again on save (a point wins over the grid select).
 */
function LocationPicker({
  outlines,
  errors,
  onGrid,
  initial,
}: {
  outlines: GridOutline[];
  errors: Record<string, string[]>;
  onGrid: (gridId: number | null) => void;
  /** A reopened draft's point. */
  initial: { lat: number | null; lng: number | null };
}) {
  const { t } = useT();
  const GridMap = useGridMap();
  const [lat, setLat] = useState(initial.lat === null ? '' : String(initial.lat));
  const [lng, setLng] = useState(initial.lng === null ? '' : String(initial.lng));
  const [located, setLocated] = useState<Located>({ state: 'idle' });
  const report = useRef(onGrid);
  report.current = onGrid;

  const valid = inRange(lat, 90) && inRange(lng, 180);
  useEffect(() => {
    if (!valid) {
      setLocated({ state: 'idle' });
      return;
    }
    setLocated({ state: 'looking' });
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/grids/locate?${new URLSearchParams({ lat, lng })}`, {
        signal: ctl.signal,
        headers: { accept: 'application/json' },
      })
        .then((r) =>
          r.ok
            ? (r.json() as Promise<{ grid: { id: number; code: string; name: string } | null }>)
            : Promise.reject(new Error(String(r.status))),
        )
        .then(({ grid }) => {
          setLocated({ state: 'found', grid });
          report.current(grid?.id ?? null);
        })
        .catch(() => {
          if (!ctl.signal.aborted) setLocated({ state: 'idle' });
        });
    }, 200);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [lat, lng, valid]);

  const mapGrids = useMemo(() => outlineGrids(outlines, (g) => `${g.code} ${g.name}`), [outlines]);
  const marker = useMemo(() => (valid ? { lat: Number(lat), lng: Number(lng) } : null), [valid, lat, lng]);
  const selectedId = located.state === 'found' ? (located.grid?.id ?? null) : null;
  const pick = (p: { lat: number; lng: number }) => {
    setLat(String(p.lat));
    setLng(String(p.lng));
  };
  const clear = () => {
    setLat('');
    setLng('');
    report.current(null);
  };
  const err = (name: string) =>
    errors[name] ? (
      <span role="alert" className="block text-xs text-red-600">
        {t(errors[name][0])}
      </span>
    ) : null;

  return (
    <fieldset className="rounded border p-2" data-testid="location-picker">
      <legend className="px-1 text-slate-600">{t('位置（在地图上点击，或填写经纬度）')}</legend>
      <input type="hidden" name="lat" value={lat} />
      <input type="hidden" name="lng" value={lng} />
      {GridMap ? (
        <GridMap
          grids={mapGrids}
          selectedId={selectedId}
          marker={marker}
          onPick={pick}
          label={t('位置选择地图')}
          className="h-[280px]"
        />
      ) : (
        <div className="h-[280px] w-full rounded bg-slate-50" />
      )}
      <p className="mt-1 text-xs text-slate-500">{t('键盘：聚焦地图后方向键移动，+/- 缩放，回车选取中心点')}</p>
      <div className="mt-2 flex flex-wrap items-end gap-3">
        <label className="block">
          <span className="text-slate-600">{t('纬度')}</span>
          <input
            type="number"
            step="any"
            min={-90}
            max={90}
            inputMode="decimal"
            value={lat}
            onChange={(e) => setLat(e.target.value)}
            className={field}
            aria-invalid={Boolean(errors.lat)}
          />
          {err('lat')}
        </label>
        <label className="block">
          <span className="text-slate-600">{t('经度')}</span>
          <input
            type="number"
            step="any"
            min={-180}
            max={180}
            inputMode="decimal"
            value={lng}
            onChange={(e) => setLng(e.target.value)}
            className={field}
            aria-invalid={Boolean(errors.lng)}
          />
          {err('lng')}
        </label>
        <button
          type="button"
          onClick={clear}
          disabled={!lat && !lng}
          className="rounded border px-3 py-1 disabled:opacity-50"
        >
          {t('清除位置')}
        </button>
      </div>
      <p className="mt-1 text-sm" data-testid="location-grid" aria-live="polite">
        {located.state === 'looking' ? (
          <span className="text-slate-500">{t('正在查找所在网格…')}</span>
        ) : located.state === 'found' ? (
          located.grid ? (
            <span>{t('所在网格：{{code}} {{name}}', { code: located.grid.code, name: located.grid.name })}</span>
          ) : (
            <span className="text-amber-700">{t('不在任何网格内，由派单员决定')}</span>
          )
        ) : (
          <span className="text-slate-500">{t('未选择位置')}</span>
        )}
      </p>
    </fieldset>
  );
}

const FORM_ID = 'intake-form';

export default function Intake() {
  const { draft } = useLoaderData<typeof loader>();
  // A saved draft's form starts again from what it holds at its new version.
  return <IntakeScreen key={draft ? `${draft.id}:${draft.version}` : 'new'} />;
}

function IntakeScreen() {
  const { phone, callId, history, records, draft, saved, requestKey, categories, grids, outlines } =
    useLoaderData<typeof loader>();
  const was = draft?.values;
  const [gridId, setGridId] = useState(was?.gridId ? String(was.gridId) : '');
  const { t } = useT();
  const result = useActionData<typeof action>();
  const errors = result?.failure.fieldErrors ?? {};
  const busy = useNavigation().state === 'submitting';
  const formRef = useRef<HTMLFormElement>(null);
  const hints = useFetcher<{ hints: DuplicateHint[] }>();
  const [hintQuery, setHintQuery] = useState('');
  const [answer, setAnswer] = useState('');
  const [articleId, setArticleId] = useState('');
  // The policy item the answer cites, from the policy search or the caller's possible policies.
  const [citation, setCitation] = useState<PolicyCitation | null>(null);
  const answerBox = useRef<HTMLDetailsElement>(null);
  // 转首席代表 / 政策异议: the policy chosen in the policy search and why it is handed over.
  const [handover, setHandover] = useState<{ policy: HandoverPolicy; reason: HandoverReason } | null>(null);
  const cite = (c: PolicyCitation, text: string) => {
    setAnswer(text);
    setArticleId('');
    setCitation(c);
    if (answerBox.current) answerBox.current.open = true;
  };

  // Ctrl+S keeps a draft, Ctrl+Enter submits: the operator's hands stay on the keyboard during the call.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || !formRef.current) return;
      const target = e.key === 's' ? 'btn-draft' : e.key === 'Enter' ? 'btn-submit' : null;
      if (!target) return;
      e.preventDefault();
      formRef.current.requestSubmit(document.getElementById(target) as HTMLButtonElement);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Duplicate hints follow what is typed, debounced.
  useEffect(() => {
    if (!hintQuery) return;
    const timer = setTimeout(() => hints.load(`/intake/duplicates?${hintQuery}`), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hintQuery]);
  const updateHints = () => {
    const f = formRef.current;
    if (!f) return;
    const data = new FormData(f);
    const code = String(data.get('category') ?? '').match(/^\d+/)?.[0];
    const params = new URLSearchParams();
    const p = String(data.get('callerPhone') ?? '');
    if (p) params.set('phone', p);
    const cat = categories.find((c) => c.code === code);
    if (cat) params.set('categoryId', String(cat.id));
    if (data.get('gridId')) params.set('gridId', String(data.get('gridId')));
    if (data.get('address')) params.set('address', String(data.get('address')));
    setHintQuery(params.toString());
  };
  const err = (name: string) =>
    errors[name] ? (
      <span role="alert" className="block text-xs text-red-600">
        {t(errors[name][0])}
      </span>
    ) : null;

  const category = was ? categories.find((c) => c.id === was.categoryId) : undefined;
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <section className="space-y-3 lg:col-span-2">
        <h1 className="text-lg font-semibold">
          {draft ? t('继续编辑草稿 {{number}}', { number: draft.number }) : t('来电登记')}
        </h1>
        {saved ? (
          <p role="status" className="rounded bg-green-50 px-2 py-1 text-green-800" data-testid="draft-saved">
            {t('草稿已保存（{{number}}），可继续编辑或提交', { number: draft!.number })}
          </p>
        ) : null}
        <Form method="get" className="flex items-end gap-2" aria-label={t('来电查询')}>
          <label className="block">
            <span className="text-slate-600">{t('来电号码')}</span>
            <input name="phone" defaultValue={phone} className={field} />
          </label>
          <button className="rounded border px-3 py-1">{t('查询')}</button>
        </Form>
        <Form
          method="post"
          id={FORM_ID}
          ref={formRef}
          onChange={updateHints}
          className="space-y-3 rounded-lg border bg-white p-4"
          aria-label={t('诉求登记')}
          noValidate
        >
          <CsrfField />
          <input type="hidden" name="requestKey" value={requestKey} />
          {draft ? (
            <>
              <input type="hidden" name="draftId" value={draft.id} />
              <input type="hidden" name="draftVersion" value={draft.version} />
            </>
          ) : null}
          {callId ? <input type="hidden" name="callId" value={callId} /> : null}
          {callId ? (
            <p className="rounded bg-green-50 px-2 py-1 text-green-800" data-testid="intake-call">
              {t('本次来电：{{phone}}，保存后诉求自动关联此通话', { phone })}
            </p>
          ) : null}
          {result?.failure ? (
            <p role="alert" className="text-red-600">
              {t(result.failure.message)}
            </p>
          ) : null}
          <div className="grid gap-3 md:grid-cols-3">
            <label className="block">
              <span className="text-slate-600">{t('诉求人电话')}</span>
              <input
                name="callerPhone"
                defaultValue={was ? (was.callerPhone ?? '') : (history?.phone ?? phone)}
                className={field}
                aria-invalid={Boolean(errors.callerPhone)}
              />
              {err('callerPhone')}
            </label>
            <label className="block">
              <span className="text-slate-600">{t('诉求人姓名')}</span>
              <input
                name="citizenName"
                defaultValue={was ? (was.citizenName ?? '') : (history?.citizen?.name ?? '')}
                className={field}
              />
              {err('citizenName')}
            </label>
            <label className="block">
              <span className="text-slate-600">{t('身份证号（选填）')}</span>
              {/* Never prefilled: the stored number stays sealed; left empty, the stored one is kept. */}
              <input
                name="idNumber"
                autoComplete="off"
                placeholder={draft?.idNumberMasked || history?.citizen?.idNumber || undefined}
                className={field}
                aria-invalid={Boolean(errors.idNumber)}
                aria-describedby={draft?.idNumberMasked ? 'id-number-kept' : undefined}
              />
              {draft?.idNumberMasked ? (
                <span id="id-number-kept" className="block text-xs text-slate-500" data-testid="id-number-kept">
                  {t('已登记 {{id}}，留空则保持不变', { id: draft.idNumberMasked })}
                </span>
              ) : null}
              {err('idNumber')}
            </label>
            <label className="block">
              <span className="text-slate-600">{t('紧急程度')}</span>
              <select name="urgency" defaultValue={was?.urgency ?? 'normal'} className={field}>
                {Object.entries(URGENCY_LABELS).map(([v, l]) => (
                  <option key={v} value={v}>
                    {t(l)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <fieldset>
            <legend className="text-slate-600">{t('诉求类型')}</legend>
            <div className="mt-1 flex flex-wrap gap-3">
              {Object.entries(TYPE_LABELS).map(([v, l]) => (
                <label key={v} className="flex items-center gap-1">
                  <input type="radio" name="type" value={v} defaultChecked={was?.type === v} />
                  {t(l)}
                </label>
              ))}
            </div>
            {err('type')}
          </fieldset>
          <label className="block">
            <span className="text-slate-600">{t('分类（输入关键字选择）')}</span>
            <input
              name="category"
              list="category-list"
              defaultValue={category ? `${category.code} ${category.name}（${category.parent ?? ''}）` : undefined}
              autoComplete="off"
              className={field}
              aria-invalid={Boolean(errors.category)}
            />
            <datalist id="category-list">
              {categories.map((c) => (
                <option key={c.id} value={`${c.code} ${c.name}（${c.parent ?? ''}）`} />
              ))}
            </datalist>
            {err('category')}
          </label>
          <label className="block">
            <span className="text-slate-600">{t('标题')}</span>
            <input
              name="title"
              defaultValue={was?.title ?? undefined}
              className={field}
              aria-invalid={Boolean(errors.title)}
            />
            {err('title')}
          </label>
          <label className="block">
            <span className="text-slate-600">{t('诉求内容')}</span>
            <textarea
              name="content"
              rows={4}
              defaultValue={was?.content ?? undefined}
              className={field}
              aria-invalid={Boolean(errors.content)}
            />
            {err('content')}
          </label>
          <div className="grid gap-3 md:grid-cols-2">
            <label className="block">
              <span className="text-slate-600">{t('地址')}</span>
              <input
                name="address"
                defaultValue={was ? (was.address ?? '') : (history?.citizen?.address ?? '')}
                className={field}
              />
              {err('address')}
            </label>
            <label className="block">
              <span className="text-slate-600">{t('网格')}</span>
              <select name="gridId" className={field} value={gridId} onChange={(e) => setGridId(e.target.value)}>
                <option value="">{t('（不确定）')}</option>
                {grids.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {/* A picked point sets the grid select (and refreshes the hints); outside every grid it is cleared. */}
          <LocationPicker
            outlines={outlines}
            errors={errors}
            initial={{ lat: was?.lat ?? null, lng: was?.lng ?? null }}
            onGrid={(id) => {
              setGridId(id ? String(id) : '');
              setTimeout(updateHints);
            }}
          />
          <div className="flex gap-4">
            <label className="flex items-center gap-1">
              <input type="checkbox" name="confidential" defaultChecked={was?.confidential ?? false} />
              {t('保密（对承办单位隐藏诉求人）')}
            </label>
            <label className="flex items-center gap-1">
              <input type="checkbox" name="anonymous" defaultChecked={was?.anonymous ?? false} />
              {t('匿名')}
            </label>
          </div>
          <section className="rounded border p-2" aria-label={t('政策库（引用、转首席代表、政策异议）')}>
            <h2 className="text-slate-700">{t('政策库（引用、转首席代表、政策异议）')}</h2>
            <PolicySearch onCite={cite} onHandover={(policy, reason) => setHandover({ policy, reason })} />
            {handover ? (
              <div className="mt-2">
                <PolicyHandover
                  key={`${handover.policy.policyId}:${handover.reason}`}
                  policy={handover.policy}
                  reason={handover.reason}
                  records={records.filter((r) => r.policyId === handover.policy.policyId)}
                  errors={errors}
                  busy={busy}
                  onCancel={() => setHandover(null)}
                />
              </div>
            ) : null}
          </section>
          <details className="rounded border p-2" ref={answerBox}>
            <summary className="cursor-pointer text-slate-700">{t('当场答复（咨询类）')}</summary>
            <KnowledgeSearch
              onUse={(a) => {
                setAnswer(a.body);
                setArticleId(String(a.id));
                setCitation(null);
              }}
            />
            <input type="hidden" name="knowledgeArticleId" value={articleId} />
            <input type="hidden" name="policyId" value={citation?.policyId ?? ''} />
            <input type="hidden" name="policyVersion" value={citation?.versionNo ?? ''} />
            <input type="hidden" name="policyItem" value={citation?.itemNo ?? ''} />
            {citation ? (
              <p className="mt-2 flex items-center gap-2 text-sm" data-testid="answer-citation">
                <span>
                  {t('引用政策：')}
                  {t('《{{title}}》第{{n}}条（v{{v}}）', {
                    title: citation.title,
                    n: citation.itemNo,
                    v: citation.versionNo,
                  })}
                </span>
                <button type="button" onClick={() => setCitation(null)} className="rounded border px-2 py-0.5 text-xs">
                  {t('取消引用')}
                </button>
              </p>
            ) : null}
            {err('policyItem')}
            <label className="mt-2 block">
              <span className="text-slate-600">{t('答复内容')}</span>
              <textarea
                name="answer"
                rows={3}
                className={field}
                value={answer}
                onChange={(e) => {
                  setAnswer(e.target.value);
                  setArticleId('');
                }}
                aria-invalid={Boolean(errors.answer)}
              />
              {err('answer')}
            </label>
            <button
              name="intent"
              value="answer"
              disabled={busy}
              className="mt-2 rounded bg-emerald-700 px-3 py-1.5 text-white"
            >
              {t('当场答复并办结')}
            </button>
          </details>
          <div className="flex gap-2">
            <button
              id="btn-submit"
              name="intent"
              value="submit"
              disabled={busy}
              className="rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800"
            >
              {t('提交（Ctrl+Enter）')}
            </button>
            <button id="btn-draft" name="intent" value="draft" disabled={busy} className="rounded border px-4 py-1.5">
              {t('保存草稿（Ctrl+S）')}
            </button>
          </div>
        </Form>
      </section>
      <aside className="space-y-3 lg:sticky lg:top-4 lg:self-start" aria-label={t('来电人信息')}>
        <DuplicateHints hints={hints.data?.hints ?? []} formId={FORM_ID} busy={busy} />
        <h2 className="text-lg font-semibold">{t('来电人')}</h2>
        {history ? (
          <div className="space-y-2 rounded-lg border bg-white p-4" data-testid="caller-history">
            <p>
              {history.citizen?.name ?? t('未登记姓名')} · {history.phone}
              {history.citizen?.idNumber ? ` · ${history.citizen.idNumber}` : ''}
            </p>
            {history.blocked ? <BlockedCallerWarning reason={history.blocked.reason} testId="blocked-caller" /> : null}
            {history.repeatCaller ? (
              <p className="rounded bg-red-100 px-2 py-1 text-red-800" data-testid="repeat-caller">
                {t('重复来电：近 30 日 {{n}} 次', { n: history.last30Days })}
              </p>
            ) : null}
            <h3 className="font-medium">{t('未办结（{{n}}）', { n: history.open.length })}</h3>
            <ul>
              {history.open.map((a) => (
                <li key={a.id}>
                  <Link className="text-red-700 hover:underline" to={`/appeals/${a.id}`}>
                    {a.number}
                  </Link>{' '}
                  {a.title} · {t(PHASE_LABELS[a.phase])}
                </li>
              ))}
            </ul>
            <h3 className="font-medium">{t('最近诉求')}</h3>
            <ul>
              {history.recent.map((a) => (
                <li key={a.id}>
                  <Link className="text-red-700 hover:underline" to={`/appeals/${a.id}`}>
                    {a.number}
                  </Link>{' '}
                  {a.title} · {t(PHASE_LABELS[a.phase])}
                </li>
              ))}
            </ul>
            <PossiblePolicies policies={history.policies} onCite={cite} />
          </div>
        ) : (
          <p className="text-slate-500">{t('输入来电号码查询历史诉求')}</p>
        )}
      </aside>
    </div>
  );
}
