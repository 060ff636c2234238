import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { rateWebAppeal } from '../citizen/rating.server';
import { supplementWebAppeal, withdrawWebAppeal } from '../citizen/supplement.server';
import { trackAppeal } from '../citizen/tracking.server';
import { FieldError } from '../components/field-error';
import { PublicAppealSummary, PublicSteps } from '../components/public-appeal';
import { readFormWithRefusal } from '../http/body.server';
import { domain, formFailure } from '../http/errors.server';
import { InvalidInput } from '../domain/errors';
import { CsrfField } from '../ui/csrf';
import { useT } from '../i18n/use-t';

export const meta: MetaFunction = () => [
  { title: '办理进度 · 12345 市民诉求' },
  // The address is a secret: not for search engines.
  { name: 'robots', content: 'noindex' },
];

// Anyone holding the link sees this appeal's citizen-facing steps, and no one else's.
export async function loader({ params, context }: LoaderFunctionArgs) {
  return domain(() => trackAppeal(context.runtime.db.em(), params.token ?? ''));
}

// The citizen's steps by the link, his only key as for reading: rate (评价), add information (补充材料), withdraw (撤回).
const STEPS = {
  rate: { run: rateWebAppeal, done: 'rated' },
  supplement: { run: supplementWebAppeal, done: 'supplemented' },
  withdraw: { run: withdrawWebAppeal, done: 'withdrawn' },
} as const;
type StepIntent = keyof typeof STEPS;
const isIntent = (v: unknown): v is StepIntent => typeof v === 'string' && Object.hasOwn(STEPS, v);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { form, refused } = await readFormWithRefusal(request);
  const { intent: given, ...fields } = Object.fromEntries(form);
  const intent: StepIntent = isIntent(given) ? given : 'rate';
  try {
    if (refused) throw refused;
    if (given !== undefined && !isIntent(given)) throw new InvalidInput('请刷新页面后重试', {});
    await STEPS[intent].run(context.runtime.services, params.token ?? '', fields);
    return redirect(`/c/track/${params.token}?${STEPS[intent].done}=1`);
  } catch (err) {
    const { failure, status } = formFailure(err, intent);
    return json({ failure }, { status });
  }
}

const RATINGS = [
  ['satisfied', '满意'],
  ['basicallySatisfied', '基本满意'],
  ['dissatisfied', '不满意'],
] as const;

// Under a field that the form's own spacing already sets apart.
const STEP_ERROR = 'text-sm text-red-700';

export default function TrackAppeal() {
  const appeal = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const [params] = useSearchParams();
  const { t } = useT();
  const errors = data?.failure.fieldErrors ?? {};
  const failed = (intent: string) => (data?.failure.intent === intent ? data.failure : null);
  // The withdrawal asks twice: the first press opens this confirmation, which only its own button sends.
  const confirmWithdraw = params.get('withdraw') === 'confirm' || failed('withdraw') !== null;
  return (
    <div className="space-y-4">
      {params.get('new') === '1' ? (
        <div role="status" className="rounded bg-green-50 p-3 text-green-900" data-testid="submitted">
          <p className="font-semibold">{t('提交成功，我们已受理您的诉求。')}</p>
          <p className="mt-1 text-sm">{t('本页链接已通过短信发给您，可随时查看办理进度；请勿转发给他人。')}</p>
        </div>
      ) : null}
      <PublicAppealSummary appeal={appeal} />
      {params.get('rated') === '1' ? (
        <p role="status" className="rounded bg-green-50 p-3 text-green-900" data-testid="rated">
          {t('感谢您的评价。')}
        </p>
      ) : null}
      {appeal.mayRate ? (
        <Form method="post" className="space-y-3 rounded border p-3" aria-label={t('评价办理结果')}>
          <CsrfField />
          <h2 className="font-semibold">{t('评价办理结果')}</h2>
          {data?.failure.intent === 'rate' && !Object.keys(errors).length ? (
            <p role="alert" className="rounded bg-red-50 p-2 text-red-800" data-testid="rate-error">
              {t(data.failure.message)}
            </p>
          ) : null}
          <fieldset>
            <legend className="text-slate-700">{t('您对办理结果是否满意')}</legend>
            <div className="mt-1 grid grid-cols-3 gap-2">
              {RATINGS.map(([v, l]) => (
                <label key={v} className="flex items-center gap-1 rounded border px-2 py-2">
                  <input type="radio" name="satisfaction" value={v} />
                  {t(l)}
                </label>
              ))}
            </div>
            <FieldError messages={errors.satisfaction} />
          </fieldset>
          <fieldset>
            <legend className="text-slate-700">{t('问题是否解决')}</legend>
            <div className="mt-1 flex gap-4">
              <label className="flex items-center gap-1">
                <input type="radio" name="resolved" value="yes" />
                {t('已解决')}
              </label>
              <label className="flex items-center gap-1">
                <input type="radio" name="resolved" value="no" />
                {t('未解决')}
              </label>
            </div>
            <FieldError messages={errors.resolved} />
          </fieldset>
          <label className="block">
            <span className="text-slate-700">{t('意见（选填）')}</span>
            <textarea name="comment" rows={3} className="mt-1 block w-full rounded border px-3 py-2" />
          </label>
          <button
            disabled={busy}
            className="w-full rounded bg-red-700 py-3 font-semibold text-white disabled:opacity-50"
            data-testid="rate-submit"
          >
            {t('提交评价')}
          </button>
        </Form>
      ) : null}
      {params.get('supplemented') === '1' ? (
        <p role="status" className="rounded bg-green-50 p-3 text-green-900" data-testid="supplemented">
          {t('已收到您补充的材料，承办单位可以看到。')}
        </p>
      ) : null}
      {params.get('withdrawn') === '1' ? (
        <p role="status" className="rounded bg-green-50 p-3 text-green-900" data-testid="withdrawn">
          {t('您的诉求已撤回，不再办理。')}
        </p>
      ) : null}
      {appeal.maySupplement ? (
        // Keyed by the version: once recorded, the form starts empty rather than inviting the same text again.
        <Form key={appeal.version} method="post" className="space-y-3 rounded border p-3" aria-label={t('补充材料')}>
          <CsrfField />
          <input type="hidden" name="intent" value="supplement" />
          <input type="hidden" name="version" value={appeal.version} />
          <h2 className="font-semibold">{t('补充材料')}</h2>
          <FailureNote failure={failed('supplement')} testId="supplement-error" />
          <label className="block">
            <span className="text-slate-700">{t('想补充的情况（5–1000 字）')}</span>
            <textarea
              name="text"
              rows={4}
              maxLength={1000}
              className="mt-1 block w-full rounded border px-3 py-2"
              aria-invalid={failed('supplement')?.fieldErrors?.text ? true : undefined}
            />
          </label>
          <FieldError messages={failed('supplement')?.fieldErrors?.text} className={STEP_ERROR} />
          <button
            disabled={busy}
            className="w-full rounded bg-red-700 py-3 font-semibold text-white disabled:opacity-50"
            data-testid="supplement-submit"
          >
            {t('提交补充材料')}
          </button>
        </Form>
      ) : null}
      {appeal.mayWithdraw && !confirmWithdraw ? (
        <p className="text-center">
          <Link to="?withdraw=confirm" className="text-sm text-slate-600 underline" data-testid="withdraw-start">
            {t('不需要办理了？撤回诉求')}
          </Link>
        </p>
      ) : null}
      {appeal.mayWithdraw && confirmWithdraw ? (
        <Form
          method="post"
          className="space-y-3 rounded border border-amber-300 bg-amber-50 p-3"
          aria-label={t('撤回诉求')}
        >
          <CsrfField />
          <input type="hidden" name="intent" value="withdraw" />
          <input type="hidden" name="version" value={appeal.version} />
          <h2 className="font-semibold">{t('撤回诉求')}</h2>
          <p className="text-sm text-slate-700">{t('撤回后诉求不再办理，也不能恢复；如有需要可以重新反映。')}</p>
          <FailureNote failure={failed('withdraw')} testId="withdraw-error" />
          <label className="block">
            <span className="text-slate-700">{t('撤回原因')}</span>
            <input name="reason" maxLength={200} className="mt-1 block w-full rounded border px-3 py-2" />
          </label>
          <FieldError messages={failed('withdraw')?.fieldErrors?.reason} className={STEP_ERROR} />
          <div className="grid grid-cols-2 gap-2">
            <Link to="." replace className="rounded border py-3 text-center" data-testid="withdraw-cancel">
              {t('不撤回')}
            </Link>
            <button
              disabled={busy}
              className="rounded bg-amber-700 py-3 font-semibold text-white disabled:opacity-50"
              data-testid="withdraw-confirm"
            >
              {t('确认撤回')}
            </button>
          </div>
        </Form>
      ) : null}
      {!appeal.mayWithdraw && failed('withdraw') ? (
        <FailureNote failure={failed('withdraw')} testId="withdraw-error" />
      ) : null}
      <PublicSteps steps={appeal.steps} />
    </div>
  );
}

/** A refusal that is not about one field: stale, closed, too many, or a bad link. */
function FailureNote({
  failure,
  testId,
}: {
  failure: { message: string; fieldErrors?: Record<string, string[]> } | null;
  testId: string;
}) {
  const { t } = useT();
  if (!failure) return null;
  const onlyFields = failure.fieldErrors && Object.keys(failure.fieldErrors).some((k) => k !== 'version');
  if (onlyFields) return null;
  return (
    <p role="alert" className="rounded bg-red-50 p-2 text-red-800" data-testid={testId}>
      {t(failure.fieldErrors?.version?.[0] ?? failure.message)}
    </p>
  );
}
