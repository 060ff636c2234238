import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';

// GeoReport v2 answers every resource in JSON or XML, by the extension of the address, errors included. One
// value shape feeds both: a JSON array of objects, or an XML root holding one element per object, with the nested
// lists (attributes, values, endpoints, formats) named as the specification names their items.

export const FORMATS = ['json', 'xml'] as const;
export type Format = (typeof FORMATS)[number];

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Fields = Record<string, Value>;

/** The element of one item in each XML list the specification names. */
const ITEM_OF: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

/** `requests.json` → the name and the format; null when the extension is neither. */
export function splitFormat(segment: string): { name: string; format: Format } | null {
  const m = /^(.+)\.(json|xml)$/.exec(segment);
  return m ? { name: m[1], format: m[2] as Format } : null;
}

function appendValue(parent: XMLBuilder, name: string, value: Value) {
  const el = parent.ele(name);
  if (value === null) return;
  if (Array.isArray(value)) {
    const item = ITEM_OF[name] ?? 'item';
    for (const v of value) appendValue(el, item, v);
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) appendValue(el, k, v);
  }
  // The writer leaves an `&` that starts an entity (`&amp;`) as it is, so text that spells one would be read back
  // as the character; escaping every `&` first makes it write exactly what was given.
  else el.txt(String(value).replace(/&/g, '&amp;'));
}

/** The XML document of a list under `root` (services, service_requests, …) or of one object (discovery). */
export function toXml(root: string, body: Fields[] | Fields): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  if (Array.isArray(body)) appendValue(doc, root, body);
  else {
    const el = doc.ele(root);
    for (const [k, v] of Object.entries(body)) appendValue(el, k, v);
  }
  return doc.end({ prettyPrint: false });
}

const CONTENT_TYPE: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** An answer in the asked format: `root` names the XML document's element. */
export function answer(format: Format, root: string, body: Fields[] | Fields, status = 200, headers: HeadersInit = {}) {
  const text = format === 'xml' ? toXml(root, body) : JSON.stringify(body);
  return new Response(text, { status, headers: { ...headers, 'Content-Type': CONTENT_TYPE[format] } });
}

/** The specification's error answer: a list of code and description, with the code as the HTTP status. */
export function errorAnswer(format: Format, status: number, description: string, headers: HeadersInit = {}) {
  return answer(format, 'errors', [{ code: status, description }], status, headers);
}
