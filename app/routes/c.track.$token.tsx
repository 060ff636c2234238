import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { rateWebAppeal } from '../citizen/rating.server';
import { trackAppeal } from '../citizen/tracking.server';
import { PublicAppealSummary, PublicSteps } from '../components/public-appeal';
import { readFormWithRefusal } from '../http/body.server';
import { domain, formFailure } from '../http/errors.server';
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

// The rating (评价): the link is the citizen's only key, as for reading.
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { form, refused } = await readFormWithRefusal(request);
  try {
    if (refused) throw refused;
    await rateWebAppeal(context.runtime.services, params.token ?? '', Object.fromEntries(form));
    return redirect(`/c/track/${params.token}?rated=1`);
  } catch (err) {
    const { failure, status } = formFailure(err, 'rate');
    return json({ failure }, { status });
  }
}

const RATINGS = [
  ['satisfied', '满意'],
  ['basicallySatisfied', '基本满意'],
  ['dissatisfied', '不满意'],
] as const;

export default function TrackAppeal() {
  const appeal = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const [params] = useSearchParams();
  const { t } = useT();
  const errors = data?.failure.fieldErrors ?? {};
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
          {data?.failure && !Object.keys(errors).length ? (
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
            {errors.satisfaction ? <p className="mt-1 text-sm text-red-700">{t(errors.satisfaction[0])}</p> : null}
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
            {errors.resolved ? <p className="mt-1 text-sm text-red-700">{t(errors.resolved[0])}</p> : null}
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
      <PublicSteps steps={appeal.steps} />
    </div>
  );
}
