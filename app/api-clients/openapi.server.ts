import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import type { ApiOperationDescription } from './api-description';

// The OpenAPI 3.1 document of the interfaces, generated from the operations' own descriptions and the zod schemas
// that check their calls (zod-openapi turns those into JSON Schema), so the document says what the server checks.

export const SIGNING = {
  keyHeader: 'X-Api-Key',
  timestampHeader: 'X-Timestamp',
  signatureHeader: 'X-Signature',
  /** What is signed: the timestamp, a dot, the body's bytes as sent. */
  signedText: '<timestamp>.<raw body>',
  window: '±5 minutes',
} as const;

type OpenApiDocument = ReturnType<typeof createDocument>;

function operationOf(d: ApiOperationDescription): ZodOpenApiOperationObject {
  const security =
    d.auth === 'signature' ? [{ apiKey: [], timestamp: [], signature: [] }] : [{ apiKey: [] as string[] }];
  return {
    operationId: d.operationId,
    tags: [d.tag],
    summary: d.summary,
    ...(d.description ? { description: d.description } : {}),
    security,
    'x-client-operation': d.operation ?? 'any',
    ...(d.params || d.query
      ? { requestParams: { ...(d.params ? { path: d.params } : {}), ...(d.query ? { query: d.query } : {}) } }
      : {}),
    ...(d.body ? { requestBody: { required: true, content: { 'application/json': { schema: d.body } } } } : {}),
    responses: Object.fromEntries(
      Object.entries(d.responses).map(([status, r]) => [
        status,
        {
          description: r.description,
          ...(r.schema ? { content: { 'application/json': { schema: r.schema } } } : {}),
        },
      ]),
    ),
  };
}

/** The document for these operations, served from `origin`. */
export function openApiDocument(descriptions: readonly ApiOperationDescription[], origin: string): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const d of descriptions) {
    const path = (paths[d.path] ??= {});
    if (path[d.method]) throw new Error(`two descriptions of ${d.method.toUpperCase()} ${d.path}`);
    path[d.method] = operationOf(d);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: '12345 Hotline open interfaces',
      version: '1',
      description:
        'Interfaces for other city systems: Open311 GeoReport v2, inbound events, status webhooks. ' +
        `Every call carries the client's API key in ${SIGNING.keyHeader}; calls that send events are also signed.`,
    },
    servers: [{ url: origin }],
    tags: [...new Set(descriptions.map((d) => d.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: SIGNING.keyHeader,
          description: 'The key issued when the client was registered or its key last rotated: hk_<prefix>_<secret>.',
        },
        timestamp: {
          type: 'apiKey',
          in: 'header',
          name: SIGNING.timestampHeader,
          description: `Unix seconds when the call was signed; refused outside ${SIGNING.window} of the server's clock.`,
        },
        signature: {
          type: 'apiKey',
          in: 'header',
          name: SIGNING.signatureHeader,
          description:
            `sha256=<hex HMAC-SHA256 of "${SIGNING.signedText}" with the client's signing secret>. ` +
            'Webhooks the hotline sends are signed the same way.',
        },
      },
    },
  });
}

// ---- The same document for people: what the /api/docs page draws --------------------------------------------

export interface DocField {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

export interface DocOperation {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  description: string;
  auth: string[];
  clientOperation: string;
  parameters: (DocField & { in: string })[];
  body: DocField[];
  responses: { status: string; description: string; fields: DocField[] }[];
}

type Schema = Record<string, unknown>;

function resolve(doc: OpenApiDocument, schema: unknown): Schema {
  const s = (schema ?? {}) as Schema;
  const ref = typeof s.$ref === 'string' ? s.$ref.replace('#/components/schemas/', '') : null;
  return ref ? resolve(doc, doc.components?.schemas?.[ref]) : s;
}

function typeOf(doc: OpenApiDocument, schema: unknown): string {
  const s = resolve(doc, schema);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alternatives = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (alternatives) return alternatives.map((a) => typeOf(doc, a)).join(' | ');
  if (s.type === 'array') return `${typeOf(doc, s.items)}[]`;
  const type = Array.isArray(s.type) ? s.type.join(' | ') : String(s.type ?? 'any');
  return s.format ? `${type} (${String(s.format)})` : type;
}

function fieldsOf(doc: OpenApiDocument, schema: unknown): DocField[] {
  const s = resolve(doc, schema);
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries((s.properties ?? {}) as Record<string, unknown>).map(([name, p]) => ({
    name,
    type: typeOf(doc, p),
    required: required.has(name),
    description: String(resolve(doc, p).description ?? ''),
  }));
}

/** Every operation of the document with its fields resolved, in the document's order. */
export function documentedOperations(doc: OpenApiDocument): DocOperation[] {
  const out: DocOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {}))
    for (const method of ['get', 'post', 'put', 'delete'] as const) {
      const op = (item as Record<string, Schema | undefined>)[method];
      if (!op) continue;
      const params = (op.parameters ?? []) as Schema[];
      const body = (op.requestBody as Schema | undefined)?.content as Record<string, Schema> | undefined;
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId),
        summary: String(op.summary ?? ''),
        description: String(op.description ?? ''),
        auth: ((op.security ?? []) as Record<string, unknown>[]).flatMap((r) => Object.keys(r)),
        clientOperation: String(op['x-client-operation'] ?? ''),
        parameters: params.map((p) => ({
          name: String(p.name),
          in: String(p.in),
          type: typeOf(doc, p.schema),
          required: Boolean(p.required),
          description: String(p.description ?? resolve(doc, p.schema).description ?? ''),
        })),
        body: body?.['application/json'] ? fieldsOf(doc, body['application/json'].schema) : [],
        responses: Object.entries((op.responses ?? {}) as Record<string, Schema>).map(([status, r]) => ({
          status,
          description: String(r.description ?? ''),
          fields: fieldsOf(doc, (r.content as Record<string, Schema> | undefined)?.['application/json']?.schema),
        })),
      });
    }
  return out;
}
