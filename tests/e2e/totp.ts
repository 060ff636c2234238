import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'otplib';
import { inject } from 'vitest';

// TOTP codes for browser tests. A code is good once per 30 s step, and the server may take one step ahead, so
// a test takes the next step no earlier sign-in of the same account has used (kept in the run's data folder,
// since each test file runs in its own process), waiting for the clock when three sign-ins fall in one step.

const PERIOD = 30;
const stepsFile = () => path.join(inject('dataDir'), 'e2e-totp-steps.json');

function usedSteps(): Record<string, number> {
  const file = stepsFile();
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>) : {};
}

/** A code for `account` that no earlier sign-in of it has used. */
export async function freshCode(account: string, secret: string): Promise<string> {
  const used = usedSteps();
  const step = Math.max(Math.floor(Date.now() / 1000 / PERIOD), (used[account] ?? 0) + 1);
  // The server accepts at most one step ahead of its clock: wait until the step before ours has begun.
  while (Math.floor(Date.now() / 1000 / PERIOD) < step - 1) await new Promise((r) => setTimeout(r, 250));
  writeFileSync(stepsFile(), JSON.stringify({ ...used, [account]: step }));
  return generate({ secret, epoch: step * PERIOD });
}
