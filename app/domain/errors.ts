import type { z } from 'zod';

// Typed domain errors; routes map them to HTTP in one place (app/http/errors.server.ts).
export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInput extends DomainError {
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super(message, 400);
  }
}

export class Forbidden extends DomainError {
  constructor(message = '无权执行此操作') {
    super(message, 403);
  }
}

export class NotFound extends DomainError {
  constructor(message = '未找到') {
    super(message, 404);
  }
}

/** `stale`: someone else changed the appeal first; `notNow`: the appeal's state does not allow it. */
export class Conflict extends DomainError {
  constructor(
    message: string,
    readonly code: 'stale' | 'notNow' | 'duplicate',
  ) {
    super(message, 409);
  }
}

/** Flattens a zod error into field → messages, the shape forms show next to each field. */
export function fieldErrorsOf(issues: { path: PropertyKey[]; message: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '_form';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** Parses a submitted form with its schema; a refusal is one InvalidInput with the message of each field. */
export function parseInput<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidInput('请检查填写的内容', fieldErrorsOf(parsed.error.issues));
  return parsed.data;
}

/** Too many tries from one phone or address in a while: the message says when to try again. */
export class TooManyRequests extends DomainError {
  constructor(message: string) {
    super(message, 429);
  }
}
