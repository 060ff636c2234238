import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_DESCRIPTIONS } from '../../app/api-clients/api-catalogue.server';
import type { ApiOperationDescription } from '../../app/api-clients/api-description';
import { documentedOperations, openApiDocument } from '../../app/api-clients/openapi.server';
import { loader as openApiLoader } from '../../app/routes/api.openapi[.]json';

// The interfaces' OpenAPI document: generated from the descriptions, valid OpenAPI 3, every description in it.

const sample: ApiOperationDescription = {
  method: 'post',
  path: '/api/v1/things/{id}',
  operationId: 'postThing',
  tag: 'things',
  summary: 'Post a thing',
  operation: 'events:write',
  auth: 'signature',
  params: z.object({ id: z.string().meta({ description: 'The thing' }) }),
  query: z.object({ dry: z.enum(['yes', 'no']).optional() }),
  body: z.object({ eventId: z.string().min(1).meta({ description: 'Idempotency key' }), n: z.number().int() }),
  responses: { 202: { description: 'Taken', schema: z.object({ ok: z.literal(true) }) }, 401: { description: 'Bad' } },
};

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1 and holds every catalogued operation with its schemas', async () => {
    const doc = openApiDocument([...API_DESCRIPTIONS, sample], 'https://hotline.example');
    expect(doc.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(doc) as never);
    for (const d of [...API_DESCRIPTIONS, sample]) {
      const op = (doc.paths as Record<string, Record<string, { operationId: string }>>)[d.path][d.method];
      expect(op.operationId).toBe(d.operationId);
    }
    expect(doc.components?.securitySchemes).toMatchObject({
      apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      signature: { in: 'header', name: 'X-Signature' },
      timestamp: { in: 'header', name: 'X-Timestamp' },
    });
    const operations = documentedOperations(doc);
    const byPath = (path: string) => operations.find((o) => o.path === path)!;
    const [ping, thing] = [byPath('/api/v1/ping'), byPath('/api/v1/things/{id}')];
    expect(ping).toMatchObject({ method: 'GET', path: '/api/v1/ping', auth: ['apiKey'], clientOperation: 'any' });
    expect(ping.responses.find((r) => r.status === '200')?.fields.map((f) => f.name)).toEqual(['client', 'operations']);
    expect(thing.auth).toEqual(['apiKey', 'timestamp', 'signature']);
    expect(thing.parameters).toEqual([
      { name: 'id', in: 'path', type: 'string', required: true, description: 'The thing' },
      { name: 'dry', in: 'query', type: '"yes" | "no"', required: false, description: '' },
    ]);
    expect(thing.body).toEqual([
      { name: 'eventId', type: 'string', required: true, description: 'Idempotency key' },
      { name: 'n', type: 'integer', required: true, description: '' },
    ]);
  });

  it('refuses two descriptions of the same method and path', () => {
    expect(() => openApiDocument([sample, sample], 'https://x')).toThrow(/two descriptions/);
  });

  it('is served at /api/openapi.json with the request’s origin as the server', async () => {
    const res = openApiLoader({
      request: new Request('http://127.0.0.1:3000/api/openapi.json'),
      context: {} as never,
      params: {},
    });
    const doc = (await res.json()) as { servers: { url: string }[]; paths: Record<string, unknown> };
    expect(doc.servers).toEqual([{ url: 'http://127.0.0.1:3000' }]);
    expect(Object.keys(doc.paths)).toContain('/api/v1/ping');
  });
});
