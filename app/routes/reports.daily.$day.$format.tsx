import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { clientOf } from '../http/client.server';
import { domain } from '../http/errors.server';
import { dailyReportFile } from '../reports/daily.server';
import { EXPORT_FORMATS, downloadHeaders } from '../reports/export.server';

const fileParams = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), format: z.enum(EXPORT_FORMATS) });

/** A kept daily report file; an unknown day or format is a 404. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'reports:export');
  const parsed = fileParams.safeParse(params);
  if (!parsed.success) throw new Response('没有这一天的日报', { status: 404 });
  const file = await domain(() =>
    dailyReportFile(
      context.runtime.db.em(),
      user.actor,
      parsed.data.day,
      parsed.data.format,
      clientOf(request, context),
    ),
  );
  return new Response(new Uint8Array(file.bytes), { headers: downloadHeaders(file) });
}
