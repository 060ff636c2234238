import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/services';

function child(dataDir: string) {
  const p = spawn('node_modules/.bin/vite-node', ['tests/support/open-db.ts', dataDir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  const until = async (text: string) => {
    for (let i = 0; i < 200 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 100));
    return out;
  };
  return { p, exited, until, output: () => out };
}

describe('PGlite data folder', () => {
  const t = useTestDatabase('pglite');

  it('refuses a second process with a clear message while the first holds it', async () => {
    const c = child(t.pgliteDir!);
    expect(await c.exited).toBe(3);
    expect(c.output()).toMatch(/already open in process \d+.*DATABASE_URL/s);
  });

  it('is closed cleanly on SIGTERM and then opens again', async () => {
    await t.db.close();
    expect(existsSync(`${t.pgliteDir}.lock`)).toBe(false);
    const c = child(t.pgliteDir!);
    expect(await c.until('OPENED')).toContain('OPENED');
    c.p.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(c.output()).toContain('CLOSED');
    expect(existsSync(`${t.pgliteDir}.lock`)).toBe(false);
    t.db = await t.reopen();
    const [row] = await t.sql<{ last: number }>(`select last from appeal_counter where day = 'child'`);
    expect(row.last).toBe(1); // the child's committed write survived its shutdown
  });

  it('takes over a lock left by a process that was killed', async () => {
    await t.db.close();
    const c = child(t.pgliteDir!);
    await c.until('OPENED');
    c.p.kill('SIGKILL');
    await c.exited;
    expect(existsSync(`${t.pgliteDir}.lock`)).toBe(true);
    t.db = await t.reopen();
    expect(existsSync(`${t.pgliteDir}.lock`)).toBe(true);
  });
});
