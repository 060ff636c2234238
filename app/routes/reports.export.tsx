import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { requireUserWith } from '../auth/session.server';
import { clientOf } from '../http/client.server';
import { domain } from '../http/errors.server';
import { EXPORT_FORMATS, downloadHeaders, exportReport } from '../reports/export.server';

const exportParams = z.object({ format: z.enum(EXPORT_FORMATS, { error: '导出格式应为 xlsx 或 pdf' }) });

/** The report of /reports as an Excel or PDF file: the page's own query string plus `format`. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'reports:export');
  const params = new URL(request.url).searchParams;
  const parsed = exportParams.safeParse({ format: params.get('format') ?? undefined });
  if (!parsed.success) throw new Response(parsed.error.issues[0].message, { status: 400 });
  const client = clientOf(request, context);
  const file = await domain(() =>
    exportReport(context.runtime.db.em(), user.actor, params, parsed.data.format, client),
  );
  return new Response(new Uint8Array(file.bytes), { headers: downloadHeaders(file) });
}
