// Screen-pop benchmark: GET /telephony/screenpop?phone=… on the built server vs. the same lookup's SQL sent with `pg`,
// on generated data (1,000,000 citizens and appeals by default).
// Usage: DATABASE_URL=postgresql://hotline:hotline@127.0.0.1:5432/postgres npm run bench:screenpop -- \
//          [--citizens N] [--appeals N] [--requests 2000] [--warmup 200] [--db hotline_bench] [--no-build]
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { prng } from '../app/seed/demo-city.server';
import { DEMO_PASSWORD } from '../app/seed/demo-city-data';
import { CALLER_HISTORY_SQL } from '../app/intake/intake.server';
import { closeClient, ensureBuild, get, signIn, startServer, stats, type Server, type Stats } from './http';
import { benchPhone, ensureScreenpopData, flag, intFlag, requireDatabaseUrl } from './screenpop-data';
import type { Row } from '../app/db/sql.server';

// The one statement callerHistory (app/intake/intake.server.ts) sends, with the same parameter: its own text, with the
// driver-neutral `?` placeholders (both the phone) written as $1.
export const CALLER_SQL = CALLER_HISTORY_SQL.replaceAll('?', '$1');

type Kind = 'heavy' | 'repeat' | 'oneOff' | 'unknown';
/** Share of each kind of caller in the sample. heavy: ≥ 50 appeals (the lookup's limit); repeat: 3–49; oneOff: exactly 1. */
const MIX: [Kind, number][] = [
  ['heavy', 0.1],
  ['repeat', 0.3],
  ['oneOff', 0.4],
  ['unknown', 0.2],
];

interface Sample {
  phone: string;
  kind: Kind;
}

// ---------- the sample ----------

async function sampleNumbers(client: pg.Client, citizens: number, total: number, seed: number): Promise<Sample[]> {
  const rand = prng(seed);
  await client.query('select setseed($1)', [(seed % 1000) / 1000]);
  const pick = async (kind: Kind, count: number): Promise<Sample[]> => {
    let phones: string[];
    if (kind === 'unknown') {
      phones = [];
      for (let k = 0; phones.length < count && k < count * 4; k++) {
        const p = benchPhone(citizens + Math.floor(rand() * 5_000_000));
        const { rowCount } = await client.query('select 1 from citizen where phone = $1', [p]);
        if (!rowCount) phones.push(p);
      }
    } else {
      const having =
        kind === 'heavy' ? 'count(*) >= 50' : kind === 'repeat' ? 'count(*) between 3 and 49' : 'count(*) = 1';
      const { rows } = await client.query<{ p: string }>(
        `select p from (select caller_phone as p from appeal where caller_phone is not null group by 1 having ${having}) x order by random() limit $1`,
        [count],
      );
      phones = rows.map((r) => r.p);
    }
    if (!phones.length) return [];
    // With small generated data there may be fewer distinct callers of a kind than asked for: repeat them.
    return Array.from({ length: count }, (_, i) => ({ phone: phones[i % phones.length], kind }));
  };
  const out: Sample[] = [];
  for (const [kind, share] of MIX) out.push(...(await pick(kind, Math.round(total * share))));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  while (out.length < total) out.push(out[out.length % Math.max(1, out.length)]);
  return out.slice(0, total);
}

// ---------- the built server ----------

async function httpLookup(base: string, cookie: string, phone: string): Promise<{ ms: number; body: string }> {
  const t = performance.now();
  const { status, body } = await get(`${base}/telephony/screenpop?phone=${encodeURIComponent(phone)}`, cookie);
  const ms = performance.now() - t;
  if (status !== 200) throw new Error(`GET screenpop ${phone}: HTTP ${status} ${body.slice(0, 200)}`);
  return { ms, body };
}

async function rawLookup(
  client: pg.Client,
  phone: string,
): Promise<{ ms: number; citizen: unknown[]; rows: { id: number; open: boolean }[] }> {
  const t = performance.now();
  const { rows: joined } = await client.query<{ known: boolean | null; id: number | null; open: boolean }>(CALLER_SQL, [
    phone,
  ]);
  const ms = performance.now() - t;
  // Unpacking is not timed: the HTTP figure includes callerHistory's, but it is microseconds.
  return {
    ms,
    citizen: joined[0]?.known ? [joined[0]] : [],
    rows: joined[0]?.id == null ? [] : (joined as { id: number; open: boolean }[]),
  };
}

/** The endpoint must answer what the SQL says: same citizen, same recent and open appeals. */
function check(phone: string, body: string, raw: Awaited<ReturnType<typeof rawLookup>>) {
  const parsed = JSON.parse(body) as Row;
  const h = (parsed.history ?? parsed) as { citizen: unknown; recent: { id: number }[]; open: { id: number }[] } | null;
  if (!h) throw new Error(`screenpop ${phone}: no history`);
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const ok =
    Boolean(h.citizen) === raw.citizen.length > 0 &&
    same(
      h.recent.map((r) => r.id),
      raw.rows.slice(0, 10).map((r) => r.id),
    ) &&
    same(
      h.open.map((r) => r.id),
      raw.rows.filter((r) => r.open).map((r) => r.id),
    );
  if (!ok) throw new Error(`screenpop ${phone}: the endpoint and the SQL disagree`);
}

// ---------- report ----------

const f = (x: number, d = 2) => x.toFixed(d);
const round = (x: number, d = 3) => Number(x.toFixed(d));

function table(rows: [string, Stats, Stats][]): string {
  const head = [
    'callers',
    'n',
    'HTTP p50',
    'HTTP p95',
    'HTTP p99',
    'HTTP mean',
    'SQL p50',
    'SQL p95',
    'SQL p99',
    'SQL mean',
    'p95 ratio',
  ];
  const body = rows.map(([label, h, r]) => [
    label,
    String(h.n),
    f(h.p50),
    f(h.p95),
    f(h.p99),
    f(h.mean),
    f(r.p50, 3),
    f(r.p95, 3),
    f(r.p99, 3),
    f(r.mean, 3),
    f(h.p95 / r.p95),
  ]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  return all
    .map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    .join('\n');
}

async function main() {
  const argv = process.argv.slice(2);
  const adminUrl = requireDatabaseUrl('bench:screenpop');
  console.warn = () => {}; // pg-boss and the driver report through console.warn
  const citizens = intFlag(argv, 'citizens', 1_000_000);
  const appeals = intFlag(argv, 'appeals', 1_000_000);
  const requests = intFlag(argv, 'requests', 2_000);
  const warmup = intFlag(argv, 'warmup', 200);
  const seed = intFlag(argv, 'seed', 12345);

  console.log(
    `bench:screenpop  node ${process.version}  ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})  ${Math.round(os.totalmem() / 2 ** 30)} GB  ${new Date().toISOString()}`,
  );
  const data = await ensureScreenpopData({ adminUrl, dbName: flag(argv, 'db') ?? 'hotline_bench', citizens, appeals });
  ensureBuild(!argv.includes('--no-build'));

  const client = new pg.Client({ connectionString: data.url });
  await client.connect();
  let server: Server | undefined;
  try {
    const [{ server_version: version }] = (await client.query<{ server_version: string }>('show server_version')).rows;
    const sample = await sampleNumbers(client, citizens, warmup + requests, seed);
    const counts = Object.fromEntries(MIX.map(([k]) => [k, sample.slice(warmup).filter((s) => s.kind === k).length]));
    console.log(
      `PostgreSQL ${version}; data: ${data.citizens.toLocaleString('en')} citizens, ${data.appeals.toLocaleString('en')} appeals ` +
        `(${data.generatedNow ? 'generated now' : `reused, generated ${data.generatedAt}`} in ${data.generationSeconds.toFixed(1)} s)`,
    );
    console.log(`sample: ${warmup} warm-up + ${requests} measured lookups, one at a time; ${JSON.stringify(counts)}`);

    server = await startServer(data.url, { readySeconds: 120 });
    const cookie = await signIn(server.base, 'operator', DEMO_PASSWORD);

    // Each number is looked up both ways, back to back, alternating which goes first, so both paths see the same caches.
    const http: number[] = [];
    const raw: number[] = [];
    const byKind = new Map<Kind, { http: number[]; raw: number[] }>(MIX.map(([k]) => [k, { http: [], raw: [] }]));
    for (let i = 0; i < sample.length; i++) {
      const { phone, kind } = sample[i];
      let h: Awaited<ReturnType<typeof httpLookup>>;
      let r: Awaited<ReturnType<typeof rawLookup>>;
      if (i % 2 === 0) {
        h = await httpLookup(server.base, cookie, phone);
        r = await rawLookup(client, phone);
      } else {
        r = await rawLookup(client, phone);
        h = await httpLookup(server.base, cookie, phone);
      }
      if (i < warmup + 100 || i % 10 === 0) check(phone, h.body, r);
      if (i < warmup) continue;
      http.push(h.ms);
      raw.push(r.ms);
      byKind.get(kind)!.http.push(h.ms);
      byKind.get(kind)!.raw.push(r.ms);
    }
    const hs = stats(http);
    const rs = stats(raw);
    console.log(
      `\n${table([['all', hs, rs], ...[...byKind].filter(([, v]) => v.http.length).map(([k, v]) => [k, stats(v.http), stats(v.raw)] as [string, Stats, Stats])])}`,
    );
    console.log(
      "(ms; HTTP = GET /telephony/screenpop on the built server incl. session check and JSON; SQL = the lookup's statement via pg)\n",
    );
    console.log(
      JSON.stringify({
        bench: 'screenpop',
        p95_ms: round(hs.p95),
        raw_p95_ms: round(rs.p95),
        ratio: round(hs.p95 / rs.p95),
      }),
    );
  } finally {
    closeClient();
    await server?.stop().catch(() => {});
    await client.end().catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
