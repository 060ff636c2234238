import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { readForm } from '../http/body.server';
import { clientOf } from '../http/client.server';
import { domain } from '../http/errors.server';
import { inlinePdf } from '../http/file-download.server';
import { printReferralDocument } from '../referrals/print.server';

// The 人民调解协议书 of the case, naming its parties in full: printed by a POST (each print is recorded),
// never by a link that a prefetch or a forwarded address could open.

const params = z.object({ id: z.coerce.number().int().positive() });

// Opening the address goes back to the case, where the print button is.
export async function loader({ params: raw }: LoaderFunctionArgs) {
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('转介案件不存在', { status: 404 });
  return redirect(`/referrals/${parsed.data.id}`);
}

export async function action({ request, context, params: raw }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, 'referrals:print');
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('转介案件不存在', { status: 404 });
  await domain(() => readForm(request));
  const printed = await domain(() =>
    printReferralDocument(context.runtime.db.em(), user.actor, parsed.data.id, 'agreement', clientOf(request, context)),
  );
  return inlinePdf(printed);
}
