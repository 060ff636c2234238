import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../machines/actor';
import { idNumberCheckCharacter } from '../../machines/identifiers';
import { localDateOf, localDateStart } from '../calendar/working-time';
import { all } from '../db/sql.server';
import { addDays, periodOf } from '../policy-records/periods';
import { openPeriod, uploadRecords } from '../policy-records/records.server';
import { recordsWorkbook } from '../policy-records/records-file.server';
import type { Cell } from '../policy-records/rows';
import { demoFirms, DEMO_FIRM_CALLERS } from './demo-firms.server';
import { GIVEN, SURNAMES } from './demo-city-data';

// The demo city's implementation records (政策落实记录): the month before last, reported in full but for one
// policy and partly late, and last month, whose reports are coming in. Each lead department's file is written as
// a real .xlsx and uploaded through the same checks a department's file goes through, as its own staff account
// where the demo has one; every ID number and credit code carries its right check character.

type Ids = {
  departments: Map<string, number>;
  users: Map<string, { id: number; role: string; departmentId?: number | null }>;
};

/** A demo person's ID number: a district's area code, a birth day, a sequence and its check character. */
export function demoIdNumber(area: string, birthDay: string, seq: number): string {
  const first17 = `${area}${birthDay.replace(/-/g, '')}${String(seq % 1000).padStart(3, '0')}`;
  return first17 + idNumberCheckCharacter(first17)!;
}

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AREAS = ['330102', '330105', '330106'];
/** README's sipp caller, 82 and living in 东城区: her 高龄津贴 of last month is recorded, so a call finds it. */
export const DEMO_RECORDED_CALLER = { name: '周桂英', idNumber: '330102194403150023', phone: '13800001111' };
const monthLabel = (d: Date) => localDateOf(d).slice(0, 7);

export async function seedDemoPolicyRecords(em: EntityManager, ids: Ids, now = new Date()): Promise<number> {
  const [{ n }] = await all<{ n: number }>(em, 'select count(*)::int as n from policy_period');
  if (n > 0) return 0;
  const adminId = ids.users.get('admin')?.id;
  if (!adminId) return 0;
  const admin: Actor = { userId: adminId, role: 'admin', departmentIds: [], gridIds: [] };
  const today = localDateOf(now);
  const lastMonth = periodOf(monthLabel(localDateStart(`${today.slice(0, 7)}-01`, -1)))!;
  const before = periodOf(monthLabel(localDateStart(lastMonth.startsOn, -1)))!;
  const past = await openPeriod(em, admin, { label: before.label }, localDateStart(before.startsOn));
  const current = await openPeriod(em, admin, { label: lastMonth.label }, localDateStart(lastMonth.startsOn));

  const policies = await all<{
    id: number;
    number: string;
    title: string;
    domain: string;
    lead: string;
    leadName: string;
  }>(
    em,
    `select p.id, p.number, p.title, p.domain, d.code as lead, d.name as "leadName"
       from policy p join policy_version v on v.policy_id = p.id and v.current
       join department d on d.id = p.lead_department_id order by p.number`,
  );
  const rand = prng(2026_11);
  const firms = demoFirms().filter((f) => !f.blacklist && ['A', 'B'].includes(f.creditRating));
  // The firms the demo callers speak for come first, so a ringing call finds benefits already recorded.
  const callerFirms = new Set(DEMO_FIRM_CALLERS.flatMap((c) => c.firms));
  const allFirms = demoFirms();
  const firstFirms = [...callerFirms]
    .map((i) => allFirms[i])
    .filter((f) => !f.blacklist && ['A', 'B'].includes(f.creditRating));
  const firmPool = [...firstFirms, ...firms.filter((f) => !firstFirms.includes(f))];
  const phone = () => `139${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`;

  const rowsFor = (policy: (typeof policies)[number], period: { startsOn: string; endsOn: string }, upTo: string) => {
    const count = 6 + Math.floor(rand() * 14);
    const base = 100 * (1 + Math.floor(rand() * 20));
    const forPeople = policy.domain === 'people' || policy.domain === 'talent';
    const elderly = /高龄|老年|老人/.test(policy.title);
    const lastDay = upTo < period.endsOn ? upTo : period.endsOn;
    const span = Math.max(0, (Date.parse(lastDay) - Date.parse(period.startsOn)) / 86_400_000);
    const rows: Cell[][] = [];
    for (let i = 0; i < count; i++) {
      const paid = new Date(`${addDays(period.startsOn, Math.floor(rand() * (span + 1)))}T00:00:00Z`);
      const way = rand() < 0.7 ? '免申即享' : '依申请';
      const amount = base + (rand() < 0.3 ? Math.floor(rand() * 10) * 10 : 0);
      if (forPeople) {
        const age = elderly ? 80 + Math.floor(rand() * 18) : 22 + Math.floor(rand() * 40);
        const birth = `${Number(today.slice(0, 4)) - age - 1}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
        const name = SURNAMES[Math.floor(rand() * SURNAMES.length)] + GIVEN[Math.floor(rand() * GIVEN.length)];
        rows.push([
          policy.number,
          '个人',
          name,
          demoIdNumber(AREAS[i % AREAS.length], birth, policy.id * 50 + i),
          phone(),
          amount,
          paid,
          way,
        ]);
      } else {
        const firm = firmPool[(policy.id * 7 + i) % firmPool.length];
        rows.push([
          policy.number,
          '企业',
          firm.name,
          firm.creditCode,
          firm.contacts[0]?.phone ?? phone(),
          amount * 10,
          paid,
          way,
        ]);
      }
    }
    // The same firm drawn twice for one policy is one record.
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(String(r[3])) && seen.add(String(r[3])));
  };

  const byLead = new Map<string, typeof policies>();
  for (const p of policies) byLead.set(p.lead, [...(byLead.get(p.lead) ?? []), p]);
  // The department's own staff account where the demo has one (its named handler or its bureau account).
  const reporterFor = (lead: string): Actor => {
    const departmentId = ids.departments.get(lead);
    const staff = [...ids.users.entries()]
      .filter(([, u]) => u.role === 'handler' && u.departmentId === departmentId)
      .sort(([a], [b]) => a.localeCompare(b))[0];
    return staff && departmentId
      ? { userId: staff[1].id, role: 'handler', departmentIds: [departmentId], gridIds: [] }
      : admin;
  };

  let records = 0;
  const leads = [...byLead.keys()];
  for (const [i, lead] of leads.entries()) {
    const reporter = reporterFor(lead);
    const list = byLead.get(lead)!;
    // The month before last: every department reported, two of them after the due day, and one policy never.
    const pastPolicies = i === 0 ? list.slice(1) : list;
    if (pastPolicies.length) {
      const late = i % 4 === 1;
      const at = localDateStart(past.dueOn, late ? 3 : -2);
      const file = await recordsWorkbook(pastPolicies.flatMap((p) => rowsFor(p, past, past.endsOn)));
      const done = await uploadRecords(
        em,
        reporter,
        { periodId: past.id, fileName: `${byLead.get(lead)![0].leadName}${past.label}落实记录.xlsx`, bytes: file },
        new Date(at.getTime() + 10 * 3600_000),
      );
      records += done.rows;
    }
    // Last month: half the departments have sent theirs, paid up to yesterday.
    if (i % 2 === 0 && today > current.startsOn) {
      const upTo = addDays(today, -1);
      const rows = list.flatMap((p) => {
        const own = rowsFor(p, current, upTo);
        if (!p.title.includes('高龄津贴')) return own;
        const c = DEMO_RECORDED_CALLER;
        return [...own, [p.number, '个人', c.name, c.idNumber, c.phone, 100, current.startsOn, '免申即享']];
      });
      const file = await recordsWorkbook(rows);
      const at = new Date(Math.min(now.getTime() - 3600_000, localDateStart(current.dueOn).getTime() - 86_400_000));
      const done = await uploadRecords(
        em,
        reporter,
        {
          periodId: current.id,
          fileName: `${byLead.get(lead)![0].leadName}${current.label}落实记录.xlsx`,
          bytes: file,
        },
        at,
      );
      records += done.rows;
    }
  }
  return records;
}
