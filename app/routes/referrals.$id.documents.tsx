import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { httpError } from '../http/errors.server';
import { readUpload } from '../http/upload.server';
import { uploadReferralDocument } from '../referrals/documents.server';

const params = z.object({ id: z.coerce.number().int().positive() });

// Nothing to show here: a reload of this address goes back to the case.
export async function loader({ params: raw }: LoaderFunctionArgs) {
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('案件不存在', { status: 404 });
  return redirect(`/referrals/${parsed.data.id}`);
}

export async function action({ request, context, params: raw }: ActionFunctionArgs) {
  // Only an agency's own staff add documents; the service checks which agency.
  const user = await requireUserWith(request, context, 'referrals:agency');
  const parsed = params.safeParse(raw);
  if (!parsed.success) return new Response('案件不存在', { status: 404 });
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  try {
    const { file, fields } = await readUpload(request, { fields: ['kind'] });
    // The service checks the kind, after the agency and the case's state.
    await uploadReferralDocument(context.runtime.db, user.actor, parsed.data.id, { kind: fields.kind, file });
  } catch (err) {
    return httpError(err);
  }
  // Post/redirect/get back to the case, where the new document is listed.
  return redirect(`/referrals/${parsed.data.id}`, 303);
}
