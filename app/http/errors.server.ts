import { isDatabaseUnreachable } from '../db/unreachable';
import { DomainError, InvalidInput } from '../domain/errors';

/** What a request hears while the database cannot be reached: try again shortly (the error page has its own words). */
export function databaseUnavailable(): Response {
  return new Response('系统暂时无法使用，请稍后再试', {
    status: 503,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5' },
  });
}

/**
 * The one place domain errors become HTTP: 4xx carry the domain's message, a database that cannot be
 * reached is a 503 (try again), anything else is a plain 500.
 */
export function httpError(err: unknown): Response {
  if (err instanceof Response) return err;
  if (err instanceof InvalidInput)
    return Response.json({ message: err.message, fieldErrors: err.fieldErrors }, { status: 400 });
  if (err instanceof DomainError) return new Response(err.message, { status: err.status });
  if (isDatabaseUnreachable(err)) {
    console.warn(`[db] unreachable: ${String((err as Error).message ?? err)}`);
    return databaseUnavailable();
  }
  console.warn('[http] unexpected error', err);
  return new Response('系统繁忙，请稍后再试', { status: 500 });
}

/** Runs a domain call from a loader or action; domain errors are thrown as responses. */
export async function domain<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw httpError(err);
  }
}

export interface FormFailure {
  intent: string;
  message: string;
  fieldErrors?: Record<string, string[]>;
}

/**
 * A refused form submit: field errors for bad input, a plain message for "not allowed" or
 * "changed by someone else" (the page then shows the fresh state). Unexpected errors stay 500s.
 */
export function formFailure(err: unknown, intent: string): { failure: FormFailure; status: number } {
  if (err instanceof InvalidInput)
    return { failure: { intent, message: err.message, fieldErrors: err.fieldErrors }, status: 400 };
  if (err instanceof DomainError) return { failure: { intent, message: err.message }, status: err.status };
  throw httpError(err);
}

/**
 * A refused call of an endpoint a page's script reads as JSON (photo uploads, patrol reports):
 * `{ ok: false, message, fieldErrors }` with the domain's status. Unexpected errors stay 500s.
 */
export function jsonFailure(err: unknown): Response {
  if (!(err instanceof DomainError)) return httpError(err);
  const fieldErrors = err instanceof InvalidInput ? err.fieldErrors : {};
  return Response.json({ ok: false, message: err.message, fieldErrors }, { status: err.status });
}
