// The rule every text value from a request passes before the app sees it: valid Unicode, no control characters
// but tab and newline, NFC. PostgreSQL refuses NUL in text, and the others have no place in what a person types.

export const CONTROL_CHARACTERS = '含有不允许的控制字符';
export const NOT_UTF8 = '不是有效的 UTF-8 文本';

// C0 controls but tab and newline, DEL, C1 controls. A CR left after CRLF became LF is refused too.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type CleanText = { ok: true; value: string } | { ok: false; problem: string };

/**
 * One text value, cleaned: CRLF (what browsers send for a textarea) becomes LF, the result is NFC.
 * `replaced`: the value was decoded leniently (a multipart parser), so U+FFFD marks bytes that were not UTF-8.
 */
export function cleanText(value: string, { replaced = false } = {}): CleanText {
  if (LONE_SURROGATE.test(value) || (replaced && value.includes('\uFFFD'))) return { ok: false, problem: NOT_UTF8 };
  const lines = value.replace(/\r\n/g, '\n');
  if (CONTROL.test(lines)) return { ok: false, problem: CONTROL_CHARACTERS };
  return { ok: true, value: lines.normalize('NFC') };
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes as UTF-8 text, or null when they are not UTF-8. */
export function utf8(bytes: Uint8Array): string | null {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
}

const isHex = (b: number | undefined) =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));

/** A percent-encoded component as bytes (`+` is a space in forms, not in paths); a bad escape stays as it is. */
export function percentBytes(raw: Uint8Array, { plusIsSpace }: { plusIsSpace: boolean }): Uint8Array {
  const out = new Uint8Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === 0x25 && isHex(raw[i + 1]) && isHex(raw[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(raw[i + 1], raw[i + 2]), 16);
      i += 2;
    } else out[n++] = plusIsSpace && b === 0x2b ? 0x20 : b;
  }
  return out.subarray(0, n);
}
