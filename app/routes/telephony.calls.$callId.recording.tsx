import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { requireUser, requireUserWith } from '../auth/session.server';
import { domain, httpError } from '../http/errors.server';
import { readUpload } from '../http/upload.server';
import { requireTelephony } from '../telephony/sip-secret.server';
import { dataDirFromEnv, MAX_RECORDING_BYTES, openRecording, saveRecording } from '../telephony/recordings.server';

const RECORDING_WORDS = {
  tooLarge: '录音文件不能超过 50 MB',
  notMultipart: '请以 multipart/form-data 上传录音',
  noFile: '请选择录音文件',
};

/** Upload after hang-up: multipart `file` plus the `sha256` the browser computed. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== 'POST')
    return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST, GET' } });
  requireTelephony();
  const user = await requireUserWith(request, context, 'calls:answer');
  try {
    const upload = { maxFileBytes: MAX_RECORDING_BYTES, fields: ['sha256'] as const, words: RECORDING_WORDS };
    const { file, fields } = await readUpload(request, upload);
    const em = context.runtime.db.em();
    const saved = await saveRecording(em, dataDirFromEnv(), user.actor, params.callId ?? '', file, fields.sha256 ?? '');
    return Response.json(saved);
  } catch (err) {
    return httpError(err);
  }
}

/** A single `bytes=` range, or null for the whole file; false when it cannot be satisfied. */
function byteRange(header: string | null, size: number): { start: number; end: number } | null | false {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : false;
}

/** Playback for whoever may hear the call (also with telephony switched off: it is the case's record); supports Range so the audio element can seek. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const rec = await domain(() =>
    openRecording(context.runtime.db.em(), dataDirFromEnv(), user.actor, params.callId ?? ''),
  );
  const headers: Record<string, string> = {
    'Content-Type': rec.contentType,
    'Accept-Ranges': 'bytes',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
    ETag: `"${rec.sha256}"`,
  };
  const range = byteRange(request.headers.get('Range'), rec.size);
  if (range === false)
    return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${rec.size}` } });
  if (range) {
    return new Response(rec.bytes.slice(range.start, range.end + 1), {
      status: 206,
      headers: {
        ...headers,
        'Content-Range': `bytes ${range.start}-${range.end}/${rec.size}`,
        'Content-Length': String(range.end - range.start + 1),
      },
    });
  }
  return new Response(rec.bytes, { headers: { ...headers, 'Content-Length': String(rec.size) } });
}
