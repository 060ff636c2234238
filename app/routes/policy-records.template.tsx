import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireUserWith } from '../auth/session.server';
import { domain } from '../http/errors.server';
import { fileDownload } from '../http/file-download.server';
import { recordsTemplateFor } from '../policy-records/records.server';
import { XLSX_TYPE } from '../policy-records/records-file.server';

/** The records template (政策落实记录表) as .xlsx: the header, an example row, the department's own policies. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, 'policy-records:report');
  const bytes = await domain(() => recordsTemplateFor(context.runtime.db.em(), user.actor));
  return fileDownload({
    bytes: new Uint8Array(bytes),
    contentType: XLSX_TYPE,
    size: bytes.byteLength,
    fileName: '政策落实记录表模板.xlsx',
  });
}
