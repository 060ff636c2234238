import type { ActionFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { revealComplainant } from '../appeals/reveal.server';
import { requireUser } from '../auth/session.server';
import { clientOf } from '../http/client.server';
import { domain } from '../http/errors.server';
import { readForm } from '../http/body.server';

const input = z.object({ id: z.coerce.number().int().positive(), field: z.enum(['callerPhone', 'idNumber']) });

// POST only: revealing is an action that leaves a record, never a link that can be prefetched.
export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await domain(() => readForm(request));
  const parsed = input.safeParse({ id: params.id, field: form.get('field') });
  if (!parsed.success) return Response.json({ message: '无效的请求' }, { status: 400 });
  const value = await domain(() =>
    revealComplainant(
      context.runtime.db.em(),
      user.actor,
      parsed.data.id,
      parsed.data.field,
      clientOf(request, context),
    ),
  );
  return Response.json({ value });
}
