import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node';
import { MAX_ATTACHMENT_BYTES } from '../storage/stored-file.server';
import { InvalidInput } from '../domain/errors';
import { CSRF_FIELD } from '../auth/csrf';
import { checkUploadText } from './body.server';

// Room for the multipart boundaries, headers and text fields around the files.
const ENVELOPE_BYTES = 64 * 1024;
/** Text fields beside a file are short words (a kind, a stage, a hash); anything bigger is not a real form. */
const SHORT_FIELD_LENGTH = 64;

/** What a refused upload says, in the words of the form: a file, a recording, photos. */
export interface UploadWords {
  /** A file over its limit. */
  tooLarge: string;
  /** The whole request over the limit of all its files; by default the words of one file too large. */
  tooMuch?: string;
  /** A body that is not multipart. */
  notMultipart: string;
  /** No file chosen; also the field's error when the body is not multipart. */
  noFile: string;
}

const FILE_WORDS: UploadWords = {
  tooLarge: '文件不能超过 10 MB',
  notMultipart: '请以 multipart/form-data 上传文件',
  noFile: '请选择要上传的文件',
};

/** The words of a form of photos taken in the field. */
export const PHOTO_WORDS: UploadWords = {
  tooLarge: '每张照片不能超过 10 MB',
  notMultipart: '请以 multipart/form-data 上传照片',
  noFile: '请选择或拍摄照片',
};

export interface UploadRules<F extends string = never> {
  /** The largest file (default: an attachment's limit). */
  maxFileBytes?: number;
  /** Text fields to keep; any other part of the form is dropped unread. */
  fields?: readonly F[];
  /** Longer text fields are dropped (default: short words); forms of prose leave the length to the domain. */
  maxFieldLength?: number;
  words?: UploadWords;
}

/** Several files under each named field, none required here: the domain says which are missing. */
export interface ManyFilesRules<F extends string = never> extends UploadRules<F> {
  files: readonly string[];
  /** How many files the form may carry in all, which bounds the request. */
  maxFiles: number;
}

type TextFields<F extends string> = Record<F, string | undefined>;

/**
 * A multipart form read into memory within its size limits: by default the one file of field
 * `file` (refused when missing), or with `files` and `maxFiles` the files of several fields.
 * A picker left empty sends a nameless part, which counts as no file.
 */
export function readUpload<F extends string = never>(
  request: Request,
  rules: ManyFilesRules<F>,
): Promise<{ files: Record<string, File[]>; fields: TextFields<F> }>;
export function readUpload<F extends string = never>(
  request: Request,
  rules?: UploadRules<F>,
): Promise<{ file: File; fields: TextFields<F> }>;
export async function readUpload(request: Request, rules: UploadRules<string> & Partial<ManyFilesRules<string>> = {}) {
  const { files: fileFields = ['file'], maxFiles = 1, maxFileBytes = MAX_ATTACHMENT_BYTES, fields = [] } = rules;
  const { maxFieldLength = SHORT_FIELD_LENGTH, words = FILE_WORDS } = rules;
  const refuse = (message: string, field = message) => new InvalidInput(message, { [fileFields[0]]: [field] });
  if (Number(request.headers.get('Content-Length') ?? 0) > maxFiles * maxFileBytes + ENVELOPE_BYTES) {
    throw refuse(words.tooMuch ?? words.tooLarge);
  }
  const form = await unstable_parseMultipartFormData(
    request,
    unstable_createMemoryUploadHandler({
      maxPartSize: maxFileBytes,
      filter: ({ name, filename }) =>
        filename === undefined
          ? fields.includes(name) || name === CSRF_FIELD
          : fileFields.includes(name) && filename !== '',
    }),
  ).catch((err) => {
    if (err instanceof MaxPartSizeExceededError) throw refuse(words.tooLarge);
    if (err instanceof TypeError) throw refuse(words.notMultipart, words.noFile);
    throw err;
  });
  // The token, then the text of the fields and the file names, as every form is checked (app/http/body.server.ts).
  const checked = await checkUploadText(request, form);
  const text: TextFields<string> = {};
  for (const name of fields) {
    const v = checked.text(name);
    if (v !== undefined && v.length <= maxFieldLength) text[name] = v;
  }
  const filesOf = (name: string) => form.getAll(name).filter((f): f is File => f instanceof File);
  const files = Object.fromEntries(fileFields.map((name) => [name, filesOf(name)]));
  if (rules.maxFiles !== undefined) return { files, fields: text };
  const [file] = files[fileFields[0]];
  if (!file) throw refuse(words.noFile);
  return { file, fields: text };
}

/** A file as the domain's upload checks read it: its name, declared type and bytes. */
export async function bytesOf(file: File): Promise<{ name: string; type: string; bytes: Uint8Array }> {
  return { name: file.name, type: file.type, bytes: new Uint8Array(await file.arrayBuffer()) };
}
