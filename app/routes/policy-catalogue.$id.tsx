import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { PolicyForm } from '../components/policy-form';
import { UploadForm } from '../components/upload-form';
import { readFormWithRefusal } from '../http/body.server';
import { domain, formFailure, type FormFailure } from '../http/errors.server';
import { useT } from '../i18n/use-t';
import {
  policyForEdit,
  policyFormOptions,
  policyFormValues,
  stepPolicy,
  updatePolicy,
} from '../policies/catalogue.server';
import { CsrfField } from '../ui/csrf';
import {
  POLICY_DOMAIN_LABELS,
  POLICY_FIELD_LABELS,
  POLICY_LEVEL_LABELS,
  POLICY_PHASE_LABELS,
  POLICY_STEP_LABELS,
} from '../ui/policy-labels';

export const meta: MetaFunction = () => [{ title: '政策维护 · 12345 热线' }];

const policyId = z.coerce.number().int().positive();

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'policies:maintain');
  const id = policyId.safeParse(params.id);
  if (!id.success) throw new Response('政策不存在', { status: 404 });
  const em = context.runtime.db.em();
  const page = await domain(() => policyForEdit(em, user.actor, id.data));
  return {
    ...page,
    options: await domain(() => policyFormOptions(em, user.actor)),
    saved: new URL(request.url).searchParams.get('saved') === '1',
  };
}

const actionForm = z.object({
  intent: z.enum(['update', 'PUBLISH', 'REVISE', 'RETIRE']),
  version: z.coerce.number().int().positive(),
});

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'policies:maintain');
  const id = policyId.safeParse(params.id);
  if (!id.success) throw new Response('政策不存在', { status: 404 });
  const { form, refused } = await readFormWithRefusal(request);
  const parsed = actionForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) return json({ failure: { intent: '', message: '无效的操作' } as FormFailure }, { status: 400 });
  const { intent, version } = parsed.data;
  const em = context.runtime.db.em();
  try {
    if (refused) throw refused;
    if (intent === 'update') await updatePolicy(em, user.actor, id.data, policyFormValues(form), version);
    else await stepPolicy(em, user.actor, id.data, intent, Object.fromEntries(form), version);
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure }, { status });
  }
  return redirect(`/policy-catalogue/${id.data}?saved=1`);
}

const when = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

export default function PolicyPage() {
  const { policy, steps, editable, history, versions, options, saved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  const { t } = useT();
  const failure = result?.failure ?? null;
  const stepFailure = failure && failure.intent !== 'update' ? failure : null;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-lg font-semibold">
          {policy.title}{' '}
          <span className="text-sm font-normal text-slate-500">
            {policy.number} · {t(POLICY_DOMAIN_LABELS[policy.domain])} · {t(POLICY_LEVEL_LABELS[policy.level])}
          </span>
        </h1>
        <Link to="/policy-catalogue" className="text-slate-600 hover:underline">
          {t('返回政策库')}
        </Link>
      </div>
      <p data-testid="policy-phase">
        {t('状态')}：<strong>{t(POLICY_PHASE_LABELS[policy.phase] ?? policy.phase)}</strong>
        {policy.publishedVersion ? (
          <>
            {' · '}
            {t('已发布版本 v{{n}}', { n: policy.publishedVersion })}{' '}
            <Link to={`/policies/${policy.id}`} className="text-red-700 hover:underline">
              {t('查看公开页')}
            </Link>
          </>
        ) : null}
      </p>
      {saved && !failure ? (
        <p role="status" className="text-emerald-700">
          {t('已保存')}
        </p>
      ) : null}
      {stepFailure ? (
        <p role="alert" className="text-red-600">
          {t(stepFailure.message)}
          {stepFailure.fieldErrors
            ? ` ${Object.values(stepFailure.fieldErrors)
                .flat()
                .map((m) => t(m))
                .join('；')}`
            : ''}
        </p>
      ) : null}
      {steps.filter((s) => s !== 'EDIT').length ? (
        <section aria-label={t('政策操作')} className="flex flex-wrap items-end gap-3 rounded-lg border bg-white p-3">
          {steps.includes('PUBLISH') ? (
            <Form method="post">
              <CsrfField />
              <input type="hidden" name="version" value={policy.version} />
              <button
                name="intent"
                value="PUBLISH"
                disabled={busy}
                className="rounded bg-emerald-700 px-3 py-1.5 text-white"
              >
                {t(policy.publishedVersion ? '发布为 v{{n}}' : '发布', { n: policy.publishedVersion + 1 })}
              </button>
            </Form>
          ) : null}
          {steps.includes('REVISE') ? (
            <Form method="post">
              <CsrfField />
              <input type="hidden" name="version" value={policy.version} />
              <button name="intent" value="REVISE" disabled={busy} className="rounded border px-3 py-1.5">
                {t('修订')}
              </button>
            </Form>
          ) : null}
          {steps.includes('RETIRE') ? (
            <Form method="post" className="flex items-end gap-2" aria-label={t('废止政策')}>
              <CsrfField />
              <input type="hidden" name="version" value={policy.version} />
              <label className="block">
                <span className="text-xs text-slate-500">{t('废止原因')}</span>
                <input name="reason" className="mt-1 block rounded border px-2 py-1" />
              </label>
              <button
                name="intent"
                value="RETIRE"
                disabled={busy}
                className="rounded border border-red-700 px-3 py-1.5 text-red-700"
              >
                {t('废止')}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}
      {editable ? (
        <PolicyForm
          key={policy.version}
          policy={policy}
          options={options}
          failure={failure?.intent === 'update' ? failure : null}
        />
      ) : (
        <section className="space-y-2 rounded-lg border bg-white p-4" aria-label={t('政策内容')}>
          <p className="text-slate-500">{t('已发布的政策须先修订再编辑；修订发布前，公众看到的仍是已发布版本。')}</p>
          <p>
            {t('牵头单位')}：{policy.leadDepartment}
          </p>
          <p>
            {t('享受内容')}：{policy.benefit}
          </p>
          <ol className="list-inside space-y-1">
            {policy.items.map((i) => (
              <li key={i.no}>{i.text}</li>
            ))}
          </ol>
        </section>
      )}
      <section className="rounded-lg border bg-white p-4" aria-labelledby="files-h">
        <h2 id="files-h" className="font-semibold">
          {t('政策附件')}
        </h2>
        <ul className="mt-1 space-y-0.5" aria-label={t('政策附件')}>
          {policy.attachments.map((f) => (
            <li key={f.id}>
              <a href={`/policies/${policy.id}/files/${f.id}`} className="text-red-700 hover:underline">
                {f.fileName}
              </a>{' '}
              <span className="text-xs text-slate-500">{Math.max(1, Math.round(f.size / 1024))} KB</span>
            </li>
          ))}
        </ul>
        {policy.attachments.length === 0 ? <p className="text-slate-500">{t('暂无附件')}</p> : null}
        {editable ? (
          <UploadForm
            action={`/policy-catalogue/${policy.id}/attachments`}
            className="mt-3 space-y-2 border-t pt-3"
            label={t('上传政策附件')}
          >
            <label className="block text-sm">
              <span className="text-slate-600">{t('政策文件（PDF、Word、Excel、图片，10 MB 以内）')}</span>
              <input name="file" type="file" className="mt-1 block text-sm" />
            </label>
          </UploadForm>
        ) : null}
      </section>
      <div className="grid gap-4 md:grid-cols-2">
        <section className="rounded-lg border bg-white" aria-labelledby="versions-h">
          <h2 id="versions-h" className="border-b px-4 py-2 font-semibold">
            {t('已发布版本')}
          </h2>
          <ul className="divide-y">
            {versions.map((v) => (
              <li key={v.versionNo} className="px-4 py-1.5">
                <Link to={`/policies/${policy.id}?version=${v.versionNo}`} className="text-red-700 hover:underline">
                  v{v.versionNo}
                </Link>{' '}
                {when(v.publishedAt)} {v.publishedBy ?? ''} {v.current ? t('（现行）') : ''}
              </li>
            ))}
          </ul>
          {versions.length === 0 ? <p className="px-4 py-2 text-slate-500">{t('尚未发布')}</p> : null}
        </section>
        <section className="rounded-lg border bg-white" aria-labelledby="history-h">
          <h2 id="history-h" className="border-b px-4 py-2 font-semibold">
            {t('修改记录')}
          </h2>
          <ul className="divide-y" aria-label={t('修改记录')}>
            {history.map((h) => {
              const changes = Object.keys((h.payload.changes as Record<string, unknown> | undefined) ?? {});
              return (
                <li key={h.seq} className="px-4 py-1.5">
                  <span className="font-medium">{t(POLICY_STEP_LABELS[h.type] ?? h.type)}</span>{' '}
                  <span className="text-slate-500">
                    {when(h.at)} {h.actor ?? ''}
                  </span>
                  {changes.length ? (
                    <span className="block text-xs text-slate-600">
                      {t('改动')}：{changes.map((c) => t(POLICY_FIELD_LABELS[c] ?? c)).join('、')}
                    </span>
                  ) : null}
                  {typeof h.payload.versionNo === 'number' ? (
                    <span className="block text-xs text-slate-600">v{h.payload.versionNo}</span>
                  ) : null}
                  {typeof h.payload.reason === 'string' ? (
                    <span className="block text-xs text-slate-600">{h.payload.reason}</span>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </section>
      </div>
    </div>
  );
}
