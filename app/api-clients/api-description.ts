import type { z } from 'zod';
import type { ApiOperation } from '../../entities/api-client';

// How an interface module describes its own operations for the OpenAPI document, from the same zod schemas that
// validate the calls: the document is generated, never written by hand, so it cannot drift from what is checked.
export interface ApiOperationDescription {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path template, e.g. `/api/v1/subscriptions/{id}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** The client operation it needs; null: any client with a valid key. */
  operation: ApiOperation | null;
  /** How the caller proves itself: the API key header, or a signature over the body. */
  auth: 'apiKey' | 'signature';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}
