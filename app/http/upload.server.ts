import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node';
import { MAX_ATTACHMENT_BYTES } from '../storage/stored-file.server';
import { InvalidInput } from '../domain/errors';

// Room for the multipart boundaries, a few short fields and headers around one file of the maximum size.
const MAX_REQUEST_BYTES = MAX_ATTACHMENT_BYTES + 64 * 1024;
/** Text fields beside the file are short words (a kind, a stage); anything bigger is not a real form. */
const MAX_FIELD_BYTES = 64;

const tooLarge = () => new InvalidInput('文件不能超过 10 MB', { file: ['文件不能超过 10 MB'] });
const noFile = () => new InvalidInput('请选择要上传的文件', { file: ['请选择要上传的文件'] });

/**
 * One uploaded file (field `file`) and the named short text fields of a multipart form, read into
 * memory within the size limit; anything else in the form is dropped unread.
 */
export async function readUpload(request: Request, textFields: string[] = []): Promise<{ file: File; fields: Record<string, string | undefined> }> {
  if (Number(request.headers.get('Content-Length') ?? 0) > MAX_REQUEST_BYTES) throw tooLarge();
  const form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({
    maxPartSize: MAX_ATTACHMENT_BYTES,
    filter: ({ name, filename }) => (name === 'file' && typeof filename === 'string') || (textFields.includes(name) && filename === undefined),
  })).catch((err) => {
    if (err instanceof MaxPartSizeExceededError) throw tooLarge();
    if (err instanceof TypeError) throw new InvalidInput('请以 multipart/form-data 上传文件', { file: ['请选择要上传的文件'] });
    throw err;
  });
  const file = form.get('file');
  if (!(file instanceof File)) throw noFile();
  const fields: Record<string, string | undefined> = {};
  for (const name of textFields) {
    const v = form.get(name);
    if (typeof v === 'string' && v.length <= MAX_FIELD_BYTES) fields[name] = v;
  }
  return { file, fields };
}
