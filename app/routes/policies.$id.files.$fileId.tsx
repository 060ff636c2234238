import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { sessionUser } from '../auth/session.server';
import { clientOf } from '../http/client.server';
import { domain } from '../http/errors.server';
import { fileDownload } from '../http/file-download.server';
import { openPolicyAttachment } from '../policies/catalogue.server';

const params = z.object({ id: z.coerce.number().int().positive(), fileId: z.coerce.number().int().positive() });

// A policy's file: public once a published version lists it, before that only for the policy's maintainers.
export async function loader({ request, context, params: raw }: LoaderFunctionArgs) {
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response('附件不存在', { status: 404 });
  const em = context.runtime.db.em();
  const user = await sessionUser(em, request, { client: clientOf(request, context) });
  const file = await domain(() => openPolicyAttachment(em, user?.actor ?? null, parsed.data.id, parsed.data.fileId));
  return fileDownload(file);
}
