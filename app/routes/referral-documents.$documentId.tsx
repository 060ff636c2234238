import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { requireUser } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { fileDownload } from '../http/file-download.server';
import { readReferralDocument } from '../referrals/documents.server';

const params = z.object({ documentId: z.coerce.number().int().positive() });

export async function loader({ request, context, params: raw }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('材料不存在', { status: 404 });
  const file = await domain(() => readReferralDocument(context.runtime.db, user.actor, parsed.data.documentId));
  return fileDownload(file);
}
