import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A private PostgreSQL cluster in a temporary folder, on its own port: a database a test may stop and start. */
export interface PgCluster {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it if running and removes its folder. */
  destroy(): Promise<void>;
}

function pgBin(): string {
  const candidates = process.env.PG_BIN
    ? [process.env.PG_BIN]
    : readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`);
  const bin = candidates.find((dir) => existsSync(path.join(dir, 'initdb')));
  if (!bin) throw new Error('PostgreSQL server binaries not found: set PG_BIN to the folder with initdb and pg_ctl');
  return bin;
}

export async function createPgCluster(port: number): Promise<PgCluster> {
  const bin = pgBin();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotline-pg-'));
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);
  const data = path.join(dir, 'data');
  await pg('initdb', ['-D', data, '-U', 'hotline', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-o', options, '-w', 'start']);
  };
  const running = () => existsSync(path.join(data, 'postmaster.pid'));
  const stop = async () => {
    await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  await start();
  return {
    url: `postgresql://hotline@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async destroy() {
      if (existsSync(data) && statSync(data).isDirectory() && running()) await stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
