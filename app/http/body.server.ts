import { CSRF_FIELD } from '../auth/csrf';
import { requireCsrfToken } from '../auth/csrf.server';
import { InvalidInput } from '../domain/errors';
import { cleanText, NOT_UTF8, percentBytes, utf8 } from './text.server';

// The one reader of request bodies: every action reads its form or JSON here (or through readUpload, which uses
// the same checks), so the CSRF token is checked and every text value is valid UTF-8, free of control characters
// and NFC before a route or the domain sees it. tests/architecture/body-reader.test.ts keeps it the only one.

/** Text the reader refused, keyed by field. */
export class InvalidText extends InvalidInput {
  constructor(fieldErrors: Record<string, string[]>) {
    super('请检查填写的内容', fieldErrors);
  }
}

const NOT_A_FORM = '请求内容应为表单';
const NOT_JSON = '请求内容应为 JSON';

/** Collects the problems of a request's text values, and the clean values. */
class TextCheck {
  readonly errors: Record<string, string[]> = {};

  text(key: string, value: string, replaced = false): string {
    const r = cleanText(value, { replaced });
    if (r.ok) return r.value;
    const errors = (this.errors[key] ??= []);
    if (!errors.includes(r.problem)) errors.push(r.problem);
    return value;
  }

  get failed() {
    return Object.keys(this.errors).length > 0;
  }
}

/** application/x-www-form-urlencoded, decoded from the raw bytes so that bytes which are not UTF-8 are noticed. */
function urlEncodedPairs(body: Uint8Array, check: TextCheck): [string, string][] {
  const pairs: [string, string][] = [];
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i < body.length && body[i] !== 0x26) continue;
    const part = body.subarray(start, i);
    start = i + 1;
    if (part.length === 0) continue;
    const eq = part.indexOf(0x3d);
    const [rawName, rawValue] = eq < 0 ? [part, new Uint8Array()] : [part.subarray(0, eq), part.subarray(eq + 1)];
    const name = utf8(percentBytes(rawName, { plusIsSpace: true }));
    const value = utf8(percentBytes(rawValue, { plusIsSpace: true }));
    if (name === null) {
      (check.errors._form ??= []).push(NOT_UTF8);
      continue;
    }
    if (value === null) (check.errors[name] ??= []).push(NOT_UTF8);
    pairs.push([name, value ?? '']);
  }
  return pairs;
}

/**
 * The form of a state-changing request (urlencoded or multipart), checked: the CSRF token (403 when a session's
 * token is missing or wrong), then every text value (InvalidText with the field's errors). Files of a multipart
 * form stay bytes; only their names are checked. The token field is not part of the result.
 */
export async function readForm(request: Request): Promise<FormData> {
  const { form, refused } = await readFormWithRefusal(request);
  if (refused) throw refused;
  return form;
}

/**
 * For an action that shows refusals next to the fields of the form they came from: the form as read and the
 * refusal of its text, which the action throws once it knows which form (intent, row) was sent. The token is
 * checked all the same.
 */
export async function readFormWithRefusal(request: Request): Promise<{ form: FormData; refused: InvalidText | null }> {
  const type = (request.headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
  const check = new TextCheck();
  const out = new FormData();
  let token: string | null = null;
  if (type === 'multipart/form-data') {
    const form = await request.formData().catch(() => {
      throw new InvalidInput(NOT_A_FORM, { _form: [NOT_A_FORM] });
    });
    for (const [key, value] of form) {
      const name = check.text('_form', key, true);
      if (name === CSRF_FIELD) token = typeof value === 'string' ? value : null;
      else if (typeof value === 'string') out.append(name, check.text(name, value, true));
      else {
        check.text(name, value.name, true);
        out.append(name, value);
      }
    }
  } else if (type === 'application/x-www-form-urlencoded' || type === '') {
    for (const [name, value] of urlEncodedPairs(new Uint8Array(await request.arrayBuffer()), check)) {
      if (name === CSRF_FIELD) token = value;
      else out.append(check.text('_form', name), check.text(name, value));
    }
  } else {
    throw new InvalidInput(NOT_A_FORM, { _form: [NOT_A_FORM] });
  }
  await requireCsrfToken(request, token);
  return { form: out, refused: check.failed ? new InvalidText(check.errors) : null };
}

/** A JSON body, checked like a form: the token (header only), UTF-8, and every string (keyed by its JSON path). */
export async function readJson(request: Request): Promise<unknown> {
  await requireCsrfToken(request, null);
  return checkedJson(new Uint8Array(await request.arrayBuffer()));
}

function checkedJson(bytes: Uint8Array): unknown {
  const text = utf8(bytes);
  if (text === null) throw new InvalidInput(NOT_UTF8, { _form: [NOT_UTF8] });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InvalidInput(NOT_JSON, { _form: [NOT_JSON] });
  }
  const check = new TextCheck();
  const clean = (value: unknown, path: string): unknown => {
    const at = (key: string) => (path ? `${path}.${key}` : key);
    if (typeof value === 'string') return check.text(path || '_form', value);
    if (Array.isArray(value)) return value.map((v, i) => clean(v, at(String(i))));
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          const key = check.text(at(k), k);
          return [key, clean(v, at(key))];
        }),
      );
    return value;
  };
  const cleaned = clean(body, '');
  if (check.failed) throw new InvalidText(check.errors);
  return cleaned;
}

// The interfaces (Open311, inbound events, subscriptions) are called by other systems that prove themselves by key
// or signature, never by a session: their bodies are read without the CSRF token, with the same text checks.

/** A form-encoded interface call (Open311 POSTs are `application/x-www-form-urlencoded`), every value checked. */
export async function readInterfaceForm(request: Request): Promise<FormData> {
  const type = (request.headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== '')
    throw new InvalidInput(NOT_A_FORM, { _form: [NOT_A_FORM] });
  const check = new TextCheck();
  const out = new FormData();
  for (const [name, value] of urlEncodedPairs(new Uint8Array(await request.arrayBuffer()), check))
    out.append(check.text('_form', name), check.text(name, value));
  if (check.failed) throw new InvalidText(check.errors);
  return out;
}

/** A JSON interface call: the bytes as sent (what a signature covers) and the checked body. */
export async function readInterfaceJson(request: Request): Promise<{ raw: Uint8Array; body: unknown }> {
  const raw = new Uint8Array(await request.arrayBuffer());
  return { raw, body: checkedJson(raw) };
}

/** Checks the text parts of a multipart upload read elsewhere (app/http/upload.server.ts): fields and file names. */
export async function checkUploadText(
  request: Request,
  form: FormData,
): Promise<{ text: (name: string) => string | undefined }> {
  const token = form.get(CSRF_FIELD);
  await requireCsrfToken(request, typeof token === 'string' ? token : null);
  const check = new TextCheck();
  const values = new Map<string, string>();
  for (const [name, value] of form) {
    if (name === CSRF_FIELD) continue;
    if (typeof value === 'string') values.set(name, check.text(name, value, true));
    else check.text(name, value.name, true);
  }
  if (check.failed) throw new InvalidText(check.errors);
  return { text: (name) => values.get(name) };
}
