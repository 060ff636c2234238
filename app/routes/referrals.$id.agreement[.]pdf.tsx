import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { requireUser } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { agreementPdf } from '../referrals/agreement-pdf.server';
import { referralAgreementInput } from '../referrals/detail.server';

const params = z.object({ id: z.coerce.number().int().positive() });

// The printable 人民调解协议书 of a case the user can see; a case without an agreement is a 404.
export async function loader({ request, context, params: raw }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('转介案件不存在', { status: 404 });
  const input = await domain(() => referralAgreementInput(context.runtime.db.em(), user.actor, parsed.data.id));
  const pdf = await agreementPdf(input);
  return new Response(new Uint8Array(pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="${input.number}.pdf"`,
      'Content-Length': String(pdf.byteLength),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
