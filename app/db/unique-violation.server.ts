import { UniqueConstraintViolationException } from '@mikro-orm/core';

// PostgreSQL's "unique_violation". Statements run through `sql.server.ts` reach the caller as the
// driver's own error (pg's or PGlite's DatabaseError, both carrying `code` and `constraint`); only
// the ORM's unit of work wraps it in its exception class. A catch must recognise both.
const UNIQUE_VIOLATION = '23505';

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

/** Whether `err` is a unique-key violation, optionally of the named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as DriverError;
  if (!(err instanceof UniqueConstraintViolationException) && e.code !== UNIQUE_VIOLATION) return false;
  if (constraint === undefined) return true;
  if (typeof e.constraint === 'string') return e.constraint === constraint;
  return typeof e.message === 'string' && e.message.includes(`"${constraint}"`);
}
