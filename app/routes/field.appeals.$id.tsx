import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import {
  Form,
  Link,
  useActionData,
  useFetcher,
  useLoaderData,
  useNavigation,
  type ShouldRevalidateFunction,
} from '@remix-run/react';
import { useState } from 'react';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { fieldAppeal, parseFieldIntent, performFieldAction, type FieldEvent } from '../field/field.server';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { readFormWithRefusal } from '../http/body.server';
import { useT } from '../i18n/use-t';
import { PHASE_LABELS, SLA_LABELS, URGENCY_LABELS } from '../ui/labels';
import { CsrfField } from '../ui/csrf';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.appeal.number} · 外勤` : '外勤' },
];

const params = z.object({ id: z.coerce.number().int().positive() });

export async function loader({ request, context, params: raw }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'field:work');
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('诉求不存在', { status: 404 });
  return domain(() => fieldAppeal(context.runtime.db.em(), user.actor, parsed.data.id));
}

// After any submit, refused ones included, show the appeal as it is now: someone else may have moved it.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod === 'POST' || defaultShouldRevalidate;

export async function action({ request, context, params: raw }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'field:work');
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('诉求不存在', { status: 404 });
  const { form, refused } = await readFormWithRefusal(request);
  try {
    if (refused) throw refused;
    await performFieldAction(context.runtime.services, user.actor, parsed.data.id, parseFieldIntent(form), form);
  } catch (err) {
    const { failure, status } = formFailure(err, String(form.get('intent') ?? ''));
    return json({ failure }, { status });
  }
  // Post/redirect/get: a reload never repeats the step.
  return redirect(`/field/appeals/${parsed.data.id}`);
}

const LABELS: Record<FieldEvent, string> = {
  ACCEPT: '签收',
  RETURN: '退回',
  FIELD_UPDATE: '现场更新',
  REPLY: '办结答复',
};
const DEADLINE_LABELS = { accept: '签收时限', handling: '办理时限', callback: '回访时限' } as const;
const input = 'mt-1 block w-full rounded border px-2 py-2 text-base';
const button = 'w-full rounded bg-red-700 px-3 py-2.5 text-base text-white active:bg-red-800 disabled:opacity-60';

type Errors = Record<string, string[]> | undefined;

function FieldError({ errors, name }: { errors: Errors; name: string }) {
  const { t } = useT();
  const msg = errors?.[name]?.[0];
  return msg ? (
    <span role="alert" className="mt-0.5 block text-xs text-red-600">
      {t(msg)}
    </span>
  ) : null;
}

/** Fills the hidden-by-default coordinates from the phone; the update goes through without them too. */
function CheckIn({ errors }: { errors: Errors }) {
  const { t } = useT();
  const [coords, setCoords] = useState<{ lat: string; lng: string } | null>(null);
  const [status, setStatus] = useState<{ kind: 'busy' | 'ok' | 'error'; text: string } | null>(null);
  function locate() {
    if (typeof navigator === 'undefined' || !navigator.geolocation) {
      setStatus({ kind: 'error', text: '此设备或浏览器不支持定位，可不打卡直接提交' });
      return;
    }
    setStatus({ kind: 'busy', text: '正在定位…' });
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setCoords({ lat: p.coords.latitude.toFixed(6), lng: p.coords.longitude.toFixed(6) });
        setStatus({ kind: 'ok', text: '已定位' });
      },
      (e) => {
        setCoords(null);
        setStatus({
          kind: 'error',
          text:
            e.code === e.PERMISSION_DENIED
              ? '定位权限被拒绝：请在浏览器设置中允许定位，或不打卡直接提交'
              : '暂时无法获取位置，请到开阔处重试，或不打卡直接提交',
        });
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }
  return (
    <div className="space-y-1">
      <button
        type="button"
        onClick={locate}
        disabled={status?.kind === 'busy'}
        className="rounded border border-red-700 px-3 py-1.5 text-red-700 active:bg-red-50 disabled:opacity-60"
      >
        {t('定位打卡')}
      </button>
      <div className="grid grid-cols-2 gap-2">
        <label className="block text-xs text-slate-600">
          {t('纬度')}
          <input
            name="lat"
            readOnly
            value={coords?.lat ?? ''}
            placeholder="—"
            className="mt-0.5 block w-full rounded border bg-slate-50 px-2 py-1 font-mono"
          />
        </label>
        <label className="block text-xs text-slate-600">
          {t('经度')}
          <input
            name="lng"
            readOnly
            value={coords?.lng ?? ''}
            placeholder="—"
            className="mt-0.5 block w-full rounded border bg-slate-50 px-2 py-1 font-mono"
          />
        </label>
      </div>
      {status ? (
        <p
          role={status.kind === 'error' ? 'alert' : 'status'}
          data-testid="checkin-status"
          className={`text-xs ${status.kind === 'error' ? 'text-red-600' : status.kind === 'ok' ? 'text-emerald-700' : 'text-slate-500'}`}
        >
          {t(status.text)}
        </p>
      ) : (
        <p className="text-xs text-slate-500">{t('定位可选，仅在提交本次更新时记录')}</p>
      )}
      <FieldError errors={errors} name="lat" />
      <FieldError errors={errors} name="lng" />
    </div>
  );
}

function Fields({ type, errors }: { type: FieldEvent; errors: Errors }) {
  const { t } = useT();
  switch (type) {
    case 'ACCEPT':
      return null;
    case 'RETURN':
      return (
        <label className="block">
          <span className="text-slate-600">{t('退回理由')}</span>
          <textarea name="reason" rows={2} className={input} aria-invalid={Boolean(errors?.reason)} />
          <FieldError errors={errors} name="reason" />
        </label>
      );
    case 'FIELD_UPDATE':
      return (
        <>
          <label className="block">
            <span className="text-slate-600">{t('现场情况')}</span>
            <textarea name="text" rows={3} className={input} aria-invalid={Boolean(errors?.text)} />
            <FieldError errors={errors} name="text" />
          </label>
          <CheckIn errors={errors} />
        </>
      );
    case 'REPLY':
      return (
        <>
          <label className="block">
            <span className="text-slate-600">{t('办理结果')}</span>
            <textarea name="result" rows={3} className={input} aria-invalid={Boolean(errors?.result)} />
            <FieldError errors={errors} name="result" />
          </label>
          <fieldset>
            <legend className="text-slate-600">{t('是否解决')}</legend>
            <div className="mt-1 flex gap-4">
              <label className="flex items-center gap-1.5">
                <input type="radio" name="resolved" value="yes" className="h-4 w-4" />
                {t('已解决')}
              </label>
              <label className="flex items-center gap-1.5">
                <input type="radio" name="resolved" value="no" className="h-4 w-4" />
                {t('未解决')}
              </label>
            </div>
            <FieldError errors={errors} name="resolved" />
          </fieldset>
        </>
      );
  }
}

/** Camera photos go to the attachments domain through a fetcher, so the page (and any typed text) stays put. */
function PhotoUpload({ appealId }: { appealId: number }) {
  const { t } = useT();
  const fetcher = useFetcher<{ ok?: boolean; count?: number; message?: string }>();
  const busy = fetcher.state !== 'idle';
  return (
    <fetcher.Form
      method="post"
      encType="multipart/form-data"
      action={`/field/appeals/${appealId}/photos`}
      className="space-y-2 border-t pt-3"
      aria-label={t('上传照片')}
    >
      <CsrfField />
      <label className="block">
        <span className="text-slate-600">{t('拍照或选择照片（可多张）')}</span>
        <input
          name="file"
          type="file"
          accept="image/*"
          capture="environment"
          multiple
          required
          className="mt-1 block w-full text-sm file:mr-2 file:rounded file:border-0 file:bg-slate-100 file:px-3 file:py-2"
        />
      </label>
      {fetcher.data?.message && !busy ? (
        <p role="alert" className="text-xs text-red-600">
          {t(fetcher.data.message)}
        </p>
      ) : null}
      {fetcher.data?.ok && !busy ? (
        <p role="status" className="text-xs text-emerald-700" data-testid="photo-status">
          {t('已上传 {{n}} 张照片', { n: fetcher.data.count })}
        </p>
      ) : null}
      <button disabled={busy} className={button}>
        {t(busy ? '上传中…' : '上传照片')}
      </button>
    </fetcher.Form>
  );
}

export default function FieldAppealPage() {
  const { appeal: a, caller, actions, images, mayUpload, updates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure: FormFailure | undefined = result?.failure;
  const busy = useNavigation().state === 'submitting';
  const { t, d } = useT();
  return (
    <div className="mx-auto max-w-lg space-y-3">
      <p>
        <Link to="/field" className="text-red-700">
          ← {t('外勤待办')}
        </Link>
      </p>
      <header className="rounded-lg border bg-white p-3">
        <div className="flex items-center justify-between gap-2">
          <span className="font-mono text-xs text-slate-500" data-testid="appeal-number">
            {a.number}
          </span>
          <span className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs" data-testid="appeal-phase">
            {t(PHASE_LABELS[a.phase] ?? a.phase)}
          </span>
        </div>
        <h1 className="mt-1 break-words text-base font-semibold">
          {a.urgency !== 'normal' ? (
            <span className="mr-1 rounded bg-red-600 px-1 text-xs text-white">{t(URGENCY_LABELS[a.urgency])}</span>
          ) : null}
          {a.title}
        </h1>
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
          <dt className="text-slate-500">{t('地址')}</dt>
          <dd className="break-words" data-testid="field-address">
            {a.address ?? '—'}
          </dd>
          <dt className="text-slate-500">{t('网格')}</dt>
          <dd>{a.grid ?? '—'}</dd>
          <dt className="text-slate-500">{t('分类')}</dt>
          <dd>{a.category}</dd>
          <dt className="text-slate-500">{t('诉求人')}</dt>
          <dd className="font-mono" data-testid="complainant">
            {t(caller)}
          </dd>
          <dt className="text-slate-500">{t('时效')}</dt>
          <dd data-testid="appeal-sla">{t(SLA_LABELS[a.sla])}</dd>
          {a.deadlines.map((x) => (
            <div key={x.kind} className="contents">
              <dt className="text-slate-500">{t(DEADLINE_LABELS[x.kind])}</dt>
              <dd>
                {x.at}
                {x.remaining ? (
                  <span
                    className={`ml-1 text-xs ${x.remaining.startsWith('已超期') ? 'text-red-700' : 'text-slate-600'}`}
                  >
                    {d(x.remaining)}
                  </span>
                ) : null}
              </dd>
            </div>
          ))}
        </dl>
        <p className="mt-2 whitespace-pre-wrap break-words rounded bg-slate-50 p-2">{a.content}</p>
      </header>

      {failure && !actions.includes(failure.intent as FieldEvent) ? (
        <p
          role="alert"
          className="rounded border border-red-200 bg-red-50 p-2 text-red-700"
          data-testid="field-failure"
        >
          {t(failure.message)}
        </p>
      ) : null}

      <section className="space-y-3" aria-label={t('操作')}>
        {actions.length ? (
          actions.map((type) => {
            const errors = failure?.intent === type ? failure.fieldErrors : undefined;
            return (
              // Keyed by version: after a change the forms start empty for the fresh state.
              <Form
                key={`${type}-${a.version}`}
                method="post"
                noValidate
                aria-label={t(LABELS[type])}
                className="space-y-2 rounded-lg border bg-white p-3"
              >
                <CsrfField />
                <input type="hidden" name="intent" value={type} />
                <input type="hidden" name="version" value={a.version} />
                <Fields type={type} errors={errors} />
                {failure?.intent === type ? (
                  <p role="alert" className="text-red-600">
                    {t(failure.message)}
                  </p>
                ) : null}
                <button
                  disabled={busy}
                  className={
                    type === 'RETURN'
                      ? button.replace('bg-red-700', 'bg-slate-600').replace('active:bg-red-800', 'active:bg-slate-700')
                      : button
                  }
                >
                  {t(LABELS[type])}
                </button>
              </Form>
            );
          })
        ) : (
          <p className="rounded-lg border bg-white p-3 text-slate-500" data-testid="no-actions">
            {t('当前没有您可执行的操作')}
          </p>
        )}
      </section>

      <section className="rounded-lg border bg-white p-3" aria-labelledby="photos-h">
        <h2 id="photos-h" className="mb-2 font-semibold">
          {t('现场照片')}（{images.length}）
        </h2>
        {images.length ? (
          <ul className="grid grid-cols-3 gap-2" data-testid="photos">
            {images.map((f) => (
              <li key={f.id}>
                <a href={`/attachments/${f.id}`} download>
                  <img
                    src={`/attachments/${f.id}`}
                    alt={f.fileName}
                    loading="lazy"
                    className="aspect-square w-full rounded border object-cover"
                  />
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-slate-500">{t('暂无')}</p>
        )}
        {mayUpload ? <PhotoUpload appealId={a.id} /> : null}
      </section>

      {updates.length ? (
        <section className="rounded-lg border bg-white p-3" aria-labelledby="updates-h">
          <h2 id="updates-h" className="mb-2 font-semibold">
            {t('现场记录')}
          </h2>
          <ol className="space-y-2" data-testid="field-updates">
            {updates.map((u) => (
              <li key={u.seq} className="border-l-2 border-red-600 pl-2">
                <span className="font-mono text-xs text-slate-500">{u.at}</span>{' '}
                <span className="text-xs">{t(u.actor)}</span>
                {u.text ? <p className="whitespace-pre-wrap break-words">{u.text}</p> : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      <p className="text-center text-xs">
        <Link to={`/appeals/${a.id}`} className="text-slate-500 underline">
          {t('查看完整诉求页')}
        </Link>
      </p>
    </div>
  );
}
