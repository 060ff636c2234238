// Policy screen-pop benchmark: GET /telephony/screenpop?phone=… (history and the caller's possible policies) on the
// built server against the same lookup's SQL sent with `pg`, on a city of 1,000,000 citizens, 200,000 firms,
// 500 published policies with rules and 500,000 implementation records; then one period's sample draw, timed.
// Usage: DATABASE_URL=postgresql://hotline:hotline@127.0.0.1:5432/postgres npm run bench:policy -- \
//          [--citizens N] [--appeals N (500,000)] [--firms N] [--policies N] [--records N] [--requests 2000] [--warmup 200]
//          [--db hotline_bench_policy] [--no-build] [--cpu-prof] [--no-draw] [--force]
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { idNumberFacts, fullYears } from '../app/eligibility/facts';
import {
  CITIZEN_FACTS_SQL,
  FIRM_FACTS_BY_PHONE_SQL,
  MIN_CREDIT_RATING_KEY,
  MIN_CREDIT_RATING_SQL,
} from '../app/eligibility/facts.server';
import { CALLER_HISTORY_SQL } from '../app/intake/intake.server';
import { CATALOGUE_VERSION_SQL, type CallerEntitlements } from '../app/policies/entitlements.server';
import { prng } from '../app/seed/demo-city.server';
import { DEMO_PASSWORD } from '../app/seed/demo-city-data';
import { keyringFromEnv } from '../app/security/data-key.server';
import { openIdNumber } from '../app/security/id-number.server';
import {
  BENCH_DATA_KEY,
  closeClient,
  ensureBuild,
  get,
  signIn,
  startServer,
  stats,
  type Server,
  type Stats,
} from './http';
import { ensurePolicyData } from './policy-data';
import { benchPhone, flag, intFlag, requireDatabaseUrl } from './screenpop-data';
import { timeSampleDraw } from './policy-draw';

/** A statement with MikroORM's `?` placeholders, numbered for `pg`. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};
// The statements the screen pop sends (callerHistory and entitlementsByPhone), as their own text. The rules
// themselves are not read: the server keeps them until the catalogue's version probe says they changed.
const HISTORY = numbered(CALLER_HISTORY_SQL);
const CITIZEN = numbered(CITIZEN_FACTS_SQL);
const FIRMS = numbered(FIRM_FACTS_BY_PHONE_SQL);
const THRESHOLD = numbered(MIN_CREDIT_RATING_SQL);
const CATALOGUE = CATALOGUE_VERSION_SQL;

type Kind = 'entitled' | 'elderly' | 'firm' | 'unknown';
/** citizens with an ID number (so the person rules have age and sex), callers of 80 and over, firm contacts, nobody. */
const MIX: [Kind, number][] = [
  ['entitled', 0.35],
  ['elderly', 0.15],
  ['firm', 0.3],
  ['unknown', 0.2],
];

interface Sample {
  phone: string;
  kind: Kind;
}

async function sampleNumbers(client: pg.Client, citizens: number, total: number, seed: number): Promise<Sample[]> {
  const rand = prng(seed);
  await client.query('select setseed($1)', [(seed % 1000) / 1000]);
  const want = (kind: Kind) => Math.round(total * MIX.find(([k]) => k === kind)![1]);
  const ring = keyringFromEnv({ DATA_KEY: BENCH_DATA_KEY });
  const today = new Date().toISOString().slice(0, 10);
  // Citizens with an ID number who are not firm contacts; the elderly among them by the age their number gives.
  const { rows } = await client.query<{ phone: string; sealed: string }>(
    `select z.phone, z.id_number_sealed as sealed from citizen z
      where z.id_number_sealed is not null and not exists (select 1 from firm_contact c where c.phone = z.phone)
      order by random() limit 40000`,
  );
  const elderly: string[] = [];
  const younger: string[] = [];
  for (const r of rows) {
    const facts = idNumberFacts(openIdNumber(r.sealed, ring) ?? '');
    if (!facts) continue;
    (fullYears(facts.birthDate, today) >= 80 ? elderly : younger).push(r.phone);
  }
  const firm = (
    await client.query<{ phone: string }>(
      `select phone from (select distinct phone from firm_contact) c order by random() limit $1`,
      [want('firm')],
    )
  ).rows.map((r) => r.phone);
  const unknown: string[] = [];
  for (let k = 0; unknown.length < want('unknown') && k < want('unknown') * 4; k++) {
    const p = benchPhone(citizens + 3_000_000 + Math.floor(rand() * 5_000_000));
    const { rowCount } = await client.query(
      'select 1 from citizen where phone = $1 union all select 1 from firm_contact where phone = $1',
      [p],
    );
    if (!rowCount) unknown.push(p);
  }
  const of = (kind: Kind, phones: string[]) =>
    phones.length ? Array.from({ length: want(kind) }, (_, i) => ({ phone: phones[i % phones.length], kind })) : [];
  const out: Sample[] = [
    ...of('entitled', younger),
    ...of('elderly', elderly),
    ...of('firm', firm),
    ...of('unknown', unknown),
  ];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.slice(0, total);
}

async function httpLookup(base: string, cookie: string, phone: string): Promise<{ ms: number; body: string }> {
  const t = performance.now();
  const { status, body } = await get(`${base}/telephony/screenpop?phone=${encodeURIComponent(phone)}`, cookie);
  const ms = performance.now() - t;
  if (status !== 200) throw new Error(`GET screenpop ${phone}: HTTP ${status} ${body.slice(0, 200)}`);
  return { ms, body };
}

interface Raw {
  ms: number;
  history: { known: boolean | null; id: number | null; open: boolean }[];
  citizen: unknown[];
  firmIds: number[];
}

/** The lookup's statements, sent together over pooled connections as the server sends them. */
async function rawLookup(pool: pg.Pool, phone: string): Promise<Raw> {
  const t = performance.now();
  const [history, citizen, firms] = await Promise.all([
    pool.query<{ known: boolean | null; id: number | null; open: boolean }>(HISTORY, [phone, phone]),
    pool.query(CITIZEN, [phone]),
    pool.query<{ id: number }>(FIRMS, [phone]),
    pool.query(CATALOGUE),
    pool.query(THRESHOLD, [MIN_CREDIT_RATING_KEY]),
  ]);
  const ms = performance.now() - t;
  return { ms, history: history.rows, citizen: citizen.rows, firmIds: firms.rows.map((r) => r.id) };
}

interface Answer {
  history: {
    citizen: unknown;
    recent: { id: number }[];
    open: { id: number }[];
    policies: CallerEntitlements;
  } | null;
}

/** The endpoint must answer what the SQL says: same citizen and appeals, and policies only for the subjects found. */
function check(phone: string, body: string, raw: Raw): Answer {
  const parsed = JSON.parse(body) as Answer;
  const h = parsed.history;
  if (!h) throw new Error(`screenpop ${phone}: no history`);
  const known = Boolean(raw.history[0]?.known);
  const rows = raw.history[0]?.id == null ? [] : raw.history;
  const same = (a: number[], b: (number | null)[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const subjects = [...h.policies.matches.map((m) => m.for), ...h.policies.refused.map((r) => r.for)];
  const ok =
    Boolean(h.citizen) === known &&
    same(
      h.recent.map((r) => r.id),
      rows.slice(0, 10).map((r) => r.id),
    ) &&
    same(
      h.open.map((r) => r.id),
      rows.filter((r) => r.open).map((r) => r.id),
    ) &&
    subjects.every((s) => (s.kind === 'person' ? raw.citizen.length > 0 : raw.firmIds.includes(s.firmId)));
  if (!ok) throw new Error(`screenpop ${phone}: the endpoint and the SQL disagree`);
  return parsed;
}

// ---------- report ----------

const f = (x: number, d = 2) => x.toFixed(d);
const round = (x: number, d = 3) => Number(x.toFixed(d));

function table(rows: [string, Stats, Stats, string][]): string {
  const head = ['callers', 'n', 'HTTP p50', 'HTTP p95', 'SQL p50', 'SQL p95', 'p95 ratio', 'policies found'];
  const body = rows.map(([label, h, r, found]) => [
    label,
    String(h.n),
    f(h.p50),
    f(h.p95),
    f(r.p50, 3),
    f(r.p95, 3),
    f(h.p95 / r.p95),
    found,
  ]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  return all
    .map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    .join('\n');
}

async function main() {
  const argv = process.argv.slice(2);
  const adminUrl = requireDatabaseUrl('bench:policy');
  console.warn = () => {}; // pg-boss and the driver report through console.warn
  const sizes = {
    citizens: intFlag(argv, 'citizens', 1_000_000),
    // The history half at 1,000,000 appeals is bench:screenpop's; half as many keeps the generation short.
    appeals: intFlag(argv, 'appeals', 500_000),
    firms: intFlag(argv, 'firms', 200_000),
    policies: intFlag(argv, 'policies', 500),
    records: intFlag(argv, 'records', 500_000),
  };
  const requests = intFlag(argv, 'requests', 2_000);
  const warmup = intFlag(argv, 'warmup', 200);
  const seed = intFlag(argv, 'seed', 12345);

  console.log(
    `bench:policy  node ${process.version}  ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})  ${Math.round(os.totalmem() / 2 ** 30)} GB  ${new Date().toISOString()}`,
  );
  const t0 = performance.now();
  const data = await ensurePolicyData({
    adminUrl,
    dbName: flag(argv, 'db') ?? 'hotline_bench_policy',
    ...sizes,
    force: argv.includes('--force'),
  });
  console.log(
    `data: ${data.citizens.toLocaleString('en')} citizens, ${data.appeals.toLocaleString('en')} appeals, ` +
      `${data.firms.toLocaleString('en')} firms, ${data.policies} published policies with rules, ` +
      `${data.records.toLocaleString('en')} records in ${data.periodLabel} — ` +
      (data.generatedNow
        ? `generated now in ${((performance.now() - t0) / 1000).toFixed(1)} s (policy layer ${data.seconds.toFixed(1)} s)`
        : `reused (generated ${data.generatedAt}: city ${data.citySeconds.toFixed(1)} s + policy layer ${data.seconds.toFixed(1)} s)`),
  );
  ensureBuild(!argv.includes('--no-build'));

  const client = new pg.Client({ connectionString: data.url });
  await client.connect();
  const pool = new pg.Pool({ connectionString: data.url, max: 5 });
  let server: Server | undefined;
  try {
    const [{ server_version: version }] = (await client.query<{ server_version: string }>('show server_version')).rows;
    const sample = await sampleNumbers(client, data.citizens, warmup + requests, seed);
    const counts = Object.fromEntries(MIX.map(([k]) => [k, sample.slice(warmup).filter((s) => s.kind === k).length]));
    console.log(
      `PostgreSQL ${version}; sample: ${warmup} warm-up + ${requests} measured lookups, one at a time; ${JSON.stringify(counts)}`,
    );

    const profDir = path.resolve('bench-profiles');
    if (argv.includes('--cpu-prof')) mkdirSync(profDir, { recursive: true });
    server = await startServer(data.url, {
      readySeconds: 120,
      nodeArgs: argv.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
    });
    const cookie = await signIn(server.base, 'operator', DEMO_PASSWORD);
    // Warm the pool's connections, so the first measured lookups do not pay for connecting.
    await Promise.all(Array.from({ length: 5 }, () => pool.query('select 1')));

    // Each number both ways, back to back, alternating which goes first, so both see the same caches.
    const http: number[] = [];
    const raw: number[] = [];
    const byKind = new Map<Kind, { http: number[]; raw: number[]; found: number }>(
      MIX.map(([k]) => [k, { http: [], raw: [], found: 0 }]),
    );
    let matches = 0;
    for (let i = 0; i < sample.length; i++) {
      const { phone, kind } = sample[i];
      let h: Awaited<ReturnType<typeof httpLookup>>;
      let r: Raw;
      if (i % 2 === 0) {
        h = await httpLookup(server.base, cookie, phone);
        r = await rawLookup(pool, phone);
      } else {
        r = await rawLookup(pool, phone);
        h = await httpLookup(server.base, cookie, phone);
      }
      const answer = check(phone, h.body, r);
      if (i < warmup) continue;
      const k = byKind.get(kind)!;
      http.push(h.ms);
      raw.push(r.ms);
      k.http.push(h.ms);
      k.raw.push(r.ms);
      const n = answer.history?.policies.matches.length ?? 0;
      matches += n;
      if (n) k.found++;
    }
    const hs = stats(http);
    const rs = stats(raw);
    const found = (n: number, of: number) => `${of ? Math.round((100 * n) / of) : 0}%`;
    console.log(
      `\n${table([
        [
          'all',
          hs,
          rs,
          found(
            [...byKind.values()].reduce((a, v) => a + v.found, 0),
            http.length,
          ),
        ],
        ...[...byKind]
          .filter(([, v]) => v.http.length)
          .map(
            ([k, v]) =>
              [k, stats(v.http), stats(v.raw), found(v.found, v.http.length)] as [string, Stats, Stats, string],
          ),
      ])}`,
    );
    console.log(
      `(ms; HTTP = GET /telephony/screenpop on the built server incl. session, policy matching and JSON; SQL = the same ` +
        `lookup's ${5} statements via pg, sent together; policies found = lookups with at least one match; ` +
        `${(matches / Math.max(1, http.length)).toFixed(1)} matches a lookup on average)\n`,
    );
    await server.stop();
    server = undefined;
    if (argv.includes('--cpu-prof')) console.log(`server CPU profile written to ${profDir}/`);

    if (!argv.includes('--no-draw')) await timeSampleDraw(data.url, data.periodId, (line) => console.log(line));

    console.log(
      JSON.stringify({
        bench: 'policy',
        p95_ms: round(hs.p95),
        raw_p95_ms: round(rs.p95),
        ratio: round(hs.p95 / rs.p95),
      }),
    );
  } finally {
    closeClient();
    await server?.stop().catch(() => {});
    await pool.end().catch(() => {});
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
