import { afterEach, vi } from 'vitest';
import { TEST_DATA_KEY } from './support/env';

// The key that seals ID numbers, so tests do not make one in .data (the browser tests' server makes its own).
process.env.DATA_KEY ??= TEST_DATA_KEY;

// A console.error during a test is a bug somewhere: fail the test that caused it.
const errors: unknown[][] = [];
const original = console.error;
console.error = (...args: unknown[]) => {
  errors.push(args);
  original(...args);
};
afterEach(() => {
  if (errors.length) {
    const first = errors.map((a) => a.map(String).join(' ')).join('\n');
    errors.length = 0;
    throw new Error(`console.error was called:\n${first}`);
  }
  vi.useRealTimers();
});
