import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireCitizenPhone } from '../auth/citizen-session.server';
import { myAppeal } from '../citizen/my-appeals.server';
import { PublicAppealSummary, PublicSteps } from '../components/public-appeal';
import { domain } from '../http/errors.server';
import { useT } from '../i18n/use-t';

export const meta: MetaFunction = () => [
  { title: '我的诉求 · 12345 市民诉求' },
  { name: 'robots', content: 'noindex' },
];

// One of the signed-in phone's appeals; any other number is the same 404.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const phone = await requireCitizenPhone(request, context);
  return domain(() => myAppeal(context.runtime.db.em(), phone, params.number ?? ''));
}

export default function MyAppealPage() {
  const appeal = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <div className="space-y-4">
      <Link to="/c/mine" className="text-sm text-red-700 underline" data-testid="back-to-mine">
        {t('返回我的诉求')}
      </Link>
      <PublicAppealSummary appeal={appeal} />
      <PublicSteps steps={appeal.steps} />
    </div>
  );
}
