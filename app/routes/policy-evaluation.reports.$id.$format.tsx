import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { clientOf } from '../http/client.server';
import { domain } from '../http/errors.server';
import { evaluationReportFile } from '../policy-evaluation/report.server';
import { EXPORT_FORMATS, downloadHeaders } from '../reports/export.server';

const fileParams = z.object({ id: z.coerce.number().int().positive(), format: z.enum(EXPORT_FORMATS) });

/** A written evaluation report file; an unknown report or format is a 404. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'policy-evaluation:report');
  const parsed = fileParams.safeParse(params);
  if (!parsed.success) throw new Response('没有这份评价报告', { status: 404 });
  const file = await domain(() =>
    evaluationReportFile(
      context.runtime.db.em(),
      user.actor,
      parsed.data.id,
      parsed.data.format,
      clientOf(request, context),
    ),
  );
  return new Response(new Uint8Array(file.bytes), { headers: downloadHeaders(file) });
}
