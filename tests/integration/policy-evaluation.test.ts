import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { BeneficiaryCallbackSchema, CallbackSampleSchema } from '../../entities/beneficiary-callback';
import { PolicyPeriodSchema, PolicyRecordSchema } from '../../entities/policy-record';
import { DepartmentSchema } from '../../entities/department';
import { PolicySchema } from '../../entities/policy';
import { UserSchema } from '../../entities/user';
import { CALLBACK_MACHINE_VERSION } from '../../machines/beneficiary-callback';
import { applyEvent } from '../../app/appeals/service.server';
import { localDateOf, localDateStart } from '../../app/calendar/working-time';
import { Forbidden } from '../../app/domain/errors';
import { newRequestKey, recordIntake } from '../../app/intake/intake.server';
import { evaluationDrill, policyEvaluation, type Evaluation } from '../../app/policy-evaluation/evaluation.server';
import {
  evaluationReportFile,
  listEvaluationReports,
  requestEvaluationReport,
  runEvaluationReport,
} from '../../app/policy-evaluation/report.server';
import { openPeriod, uploadRecords } from '../../app/policy-records/records.server';
import { RECORD_COLUMNS } from '../../app/policy-records/rows';
import { drainReportQueue } from '../../app/reports/rollup.server';
import { demoIdNumber } from '../../app/seed/demo-policy-records.server';
import { DB_KINDS } from '../support/env';
import { useTestServices } from '../support/services';

// The evaluation of a period with known data: a period of this month opened with records of three policies (two
// on time, one late), consultations citing a policy item on the spot, complaints about two policies (one closed by
// its deadline); every figure asserted exactly, per policy and per lead department; a handler sees only his own;
// the drill-down lists what a figure counts; the report job writes a PDF and a workbook read back.

type Row = (string | number | Date | null)[];
async function xlsx(rows: Row[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('落实记录').addRow([...RECORD_COLUMNS]);
  for (const r of rows) wb.getWorksheet('落实记录')!.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe.each(DB_KINDS)('policy evaluation on %s', (kind) => {
  const t = useTestServices(kind, { dataDir: true });
  const today = localDateOf(new Date());
  const label = today.slice(0, 7);
  const paidOn = new Date(`${today}T00:00:00Z`);
  let periodId = 0;
  let dueOn = '';
  let afterDue = new Date();
  const policies: Record<'pension' | 'rent' | 'elderly', { id: number; number: string; version: number }> = {} as never;
  let byPolicy: Evaluation;
  const row = (e: Evaluation, key: number) => e.rows.find((r) => r.key === key)!;
  const deptOf = async (code: string) =>
    (await t.sql<{ id: number }>('select id from department where code = ?', [code]))[0].id;

  it('sets up a period with records, consultations and complaints', async () => {
    const found = await t.sql<{ id: number; number: string; title: string; version: number }>(
      `select p.id, p.number, p.title, v.version_no as version from policy p
         join policy_version v on v.policy_id = p.id and v.current where p.title in (?)`,
      [['城乡居民基本养老保险缴费补贴', '新就业大学生租房补贴', '东城区80周岁以上老年人高龄津贴']],
    );
    const by = (title: string) => found.find((p) => p.title === title)!;
    policies.pension = by('城乡居民基本养老保险缴费补贴'); // F06
    policies.rent = by('新就业大学生租房补贴'); // F06
    policies.elderly = by('东城区80周岁以上老年人高龄津贴'); // D01
    const period = await openPeriod(t.em(), t.as('supervisor'), { label }, new Date());
    periodId = period.id;
    dueOn = period.dueOn;
    afterDue = new Date(localDateStart(dueOn, 1).getTime() + 3_600_000);

    // F06 reports two policies on time: 3 records (100 + 200.50 + 50) and 2 (80 + 80).
    const person = (n: number) => demoIdNumber('330105', '1960-01-01', 900 + n);
    await uploadRecords(
      t.em(),
      t.as('handler-f06'),
      {
        periodId,
        fileName: 'f06.xlsx',
        bytes: await xlsx([
          [policies.pension.number, '个人', '甲一', person(1), '13900000001', 100, paidOn, '免申即享'],
          [policies.pension.number, '个人', '甲二', person(2), '13900000002', 200.5, paidOn, '免申即享'],
          [policies.pension.number, '个人', '甲三', person(3), '13900000003', 50, paidOn, '依申请'],
          [policies.rent.number, '个人', '乙一', person(4), '13900000004', 80, paidOn, '免申即享'],
          [policies.rent.number, '个人', '乙二', person(5), '13900000005', 80, paidOn, '免申即享'],
        ]),
      },
      new Date(),
    );
    // D01's 高龄津贴 comes in after the due day (the admin reports for it): late, one record of 300.
    await uploadRecords(
      t.em(),
      t.as('admin'),
      {
        periodId,
        fileName: 'd01.xlsx',
        bytes: await xlsx([
          [policies.elderly.number, '个人', '丙一', person(6), '13900000006', 300, paidOn, '免申即享'],
        ]),
      },
      afterDue,
    );

    // Two consultations answered on the spot citing the pension policy's item 1, one citing 高龄津贴.
    const answer = async (policy: { id: number; version: number }, phone: string) =>
      recordIntake(t.services, t.as('operator'), {
        intent: 'answer',
        requestKey: newRequestKey(),
        callerPhone: phone,
        citizenName: '市民',
        type: 'consultation',
        category: '0201',
        title: '政策咨询',
        content: '想问这项补贴怎么领取。',
        answer: '免申即享，按月发放。',
        policyId: String(policy.id),
        policyVersion: String(policy.version),
        policyItem: '1',
      });
    const c1 = await answer(policies.pension, '13700000001');
    await answer(policies.pension, '13700000002');
    await answer(policies.elderly, '13700000003');

    // Complaints about the pension policy (one answered on the spot and closed after its callback, so within its
    // deadline; one still open) and about the rent policy (open). The complaint link is the appeal_policy row.
    const closed = await answer(policies.rent, '13700000004'); // cites rent: a consultation of rent as well
    const step = async (appealId: number, user: string, type: string, payload: Record<string, unknown> = {}) => {
      const [{ version }] = await t.sql<{ version: number }>('select version from appeal where id = ?', [appealId]);
      return applyEvent(t.services, { appealId, expectedVersion: version, type, payload, actor: t.as(user) });
    };
    await step(closed.appealId, 'reviewer', 'APPROVE_REPLY');
    await step(closed.appealId, 'reviewer', 'FEEDBACK', { satisfaction: 'satisfied', resolved: true });
    const open1 = await answer(policies.elderly, '13700000005');
    const open2 = await answer(policies.elderly, '13700000006');
    const operator = t.as('operator').userId;
    for (const [appealId, policyId] of [
      [closed.appealId, policies.pension.id],
      [open1.appealId, policies.pension.id],
      [open2.appealId, policies.rent.id],
    ])
      await t.sql(
        `insert into appeal_policy (appeal_id, policy_id, reason, created_by_id, created_at)
         values (?, ?, 'complaint', ?, now())`,
        [appealId, policyId, operator],
      );
    await drainReportQueue(t.em());
    expect(c1.phase).toBe('replied');

    // The callbacks drawn from the period's records, as the callback desk leaves them: the pension policy's three
    // (confirmed and satisfied; a problem with the amount, dissatisfied; unreachable), the rent policy's first.
    const em = t.em();
    const ref = <T extends object>(schema: T, id: number) => em.getReference(schema as never, id) as never;
    const sample = em.create(CallbackSampleSchema, {
      period: ref(PolicyPeriodSchema, periodId),
      seed: 'evaluation-test',
      share: 0.5,
      minimum: 1,
      drawnCount: 4,
      drawnBy: ref(UserSchema, t.as('supervisor').userId),
      drawnAt: new Date(),
    });
    const recordIds = await t.sql<{ id: number; name: string; phone: string; policy_id: number }>(
      'select id, name, phone, policy_id from policy_record where period_id = ? order by id',
      [periodId],
    );
    const answers: Record<string, Partial<Record<string, unknown>>> = {
      甲一: { outcome: 'confirmed', received: true, amountRight: true, onTime: true, satisfaction: 'satisfied' },
      甲二: { outcome: 'problem', received: true, amountRight: false, onTime: true, satisfaction: 'dissatisfied' },
      甲三: { outcome: 'unreachable', attempts: 3 },
      乙一: { outcome: 'confirmed', received: true, amountRight: true, satisfaction: 'basicallySatisfied' },
    };
    const policyDepartment = await t.sql<{ id: number; lead_department_id: number }>(
      'select id, lead_department_id from policy',
    );
    for (const r of recordIds.filter((r) => answers[r.name]))
      em.create(BeneficiaryCallbackSchema, {
        sample,
        period: ref(PolicyPeriodSchema, periodId),
        policy: ref(PolicySchema, r.policy_id),
        department: ref(DepartmentSchema, policyDepartment.find((p) => p.id === r.policy_id)!.lead_department_id),
        record: ref(PolicyRecordSchema, r.id),
        phone: r.phone,
        phase: 'closed',
        tags: ['closed'],
        dueAt: afterDue,
        drawnAt: new Date(),
        closedAt: new Date(),
        machineVersion: CALLBACK_MACHINE_VERSION,
        snapshot: {},
        ...answers[r.name],
      } as never);
    await em.flush();
  });

  it('counts each policy’s figures exactly', async () => {
    byPolicy = await policyEvaluation(t.em(), t.as('supervisor'), { periodId, groupBy: 'policy' }, afterDue);
    const pension = row(byPolicy, policies.pension.id);
    expect(pension).toMatchObject({ status: 'onTime', department: '市人力资源和社会保障局' });
    expect(pension.counts).toMatchObject({
      policies: 1,
      reportsDue: 1,
      reportsOnTime: 1,
      beneficiaries: 3,
      amountFen: 35050,
      consultations: 2,
      complaints: 2,
      complaintsOnTime: 1,
      sample: 3,
      reached: 2,
      receiptConfirmed: 2,
      amountConfirmed: 1,
      satisfactionBase: 2,
      satisfied: 1,
    });
    expect(pension.rates).toMatchObject({
      reachRate: 2 / 3,
      receiptRate: 1,
      amountRate: 0.5,
      satisfactionRate: 0.5,
      complaintOnTimeRate: 0.5,
    });
    expect(pension.rates.complaintsPerThousand).toBeCloseTo(2000 / 3, 6);
    // On time 25·1, receipt 25·1, amount 20·0.5, satisfaction 20·0.5, 667 complaints per 1,000 10·0: 70.
    expect(pension.score).toBe(70);

    const rent = row(byPolicy, policies.rent.id);
    expect(rent.counts).toMatchObject({
      beneficiaries: 2,
      amountFen: 16000,
      consultations: 1,
      complaints: 1,
      complaintsOnTime: 0,
      sample: 1,
      reached: 1,
      receiptConfirmed: 1,
      amountConfirmed: 1,
      satisfied: 1,
    });
    // Everything confirmed, but 500 complaints per 1,000: 90.
    expect(rent.score).toBe(90);
    const elderly = row(byPolicy, policies.elderly.id);
    expect(elderly).toMatchObject({ status: 'late' });
    expect(elderly.counts).toMatchObject({
      reportsDue: 1,
      reportsLate: 1,
      reportsOnTime: 0,
      beneficiaries: 1,
      amountFen: 30000,
      consultations: 3,
      complaints: 0,
      sample: 0,
    });
    // Late (0) and no complaints (1), no callbacks: 10 / 35.
    expect(elderly.score).toBe(28.6);
    // Every other published policy is overdue with nothing reported.
    const others = byPolicy.rows.filter(
      (r) => ![policies.pension.id, policies.rent.id, policies.elderly.id].includes(r.key),
    );
    expect(others.length).toBeGreaterThan(0);
    for (const r of others) expect(r).toMatchObject({ status: 'overdue', score: 0, counts: { beneficiaries: 0 } });
    expect(byPolicy.total.counts).toMatchObject({
      beneficiaries: 6,
      amountFen: 81050,
      consultations: 6,
      complaints: 3,
    });
    // Ranked: the best score first.
    expect(byPolicy.rows.slice(0, 3).map((r) => [r.key, r.rank])).toEqual([
      [rent.key, 1],
      [pension.key, 2],
      [elderly.key, 3],
    ]);
    expect(byPolicy.rows.map((r) => r.score ?? -1)).toEqual(
      [...byPolicy.rows.map((r) => r.score ?? -1)].sort((a, b) => b - a),
    );
  });

  it('sums a lead department from its policies', async () => {
    const byDept = await policyEvaluation(t.em(), t.as('supervisor'), { periodId, groupBy: 'department' }, afterDue);
    const f06 = row(byDept, await deptOf('F06'));
    const f06Policies = byPolicy.rows.filter((r) => r.department === f06.label);
    expect(f06.counts).toMatchObject({
      policies: f06Policies.length,
      reportsOnTime: 2,
      reportsMissing: f06Policies.length - 2,
      beneficiaries: 5,
      amountFen: 51050,
      consultations: 3,
      complaints: 3,
      complaintsOnTime: 1,
      sample: 4,
      reached: 3,
      receiptConfirmed: 3,
      amountConfirmed: 2,
      satisfactionBase: 3,
      satisfied: 2,
    });
    expect(f06.rates.onTimeReportRate).toBe(2 / f06Policies.length);
    expect(f06.rates.receiptRate).toBe(1);
    expect(row(byDept, await deptOf('D01')).counts).toMatchObject({ reportsLate: 1, beneficiaries: 1 });
  });

  it('shows a handler only the policies his department leads, and refuses the others’ drill-down', async () => {
    const own = await policyEvaluation(t.em(), t.as('handler-f06'), { periodId, groupBy: 'policy' }, afterDue);
    expect(own.rows.length).toBeGreaterThan(1);
    expect(new Set(own.rows.map((r) => r.department))).toEqual(new Set(['市人力资源和社会保障局']));
    expect(own.total.counts.beneficiaries).toBe(5);
    const depts = await policyEvaluation(t.em(), t.as('handler-f06'), { periodId, groupBy: 'department' }, afterDue);
    expect(depts.rows.map((r) => r.label)).toEqual(['市人力资源和社会保障局']);
    await expect(
      evaluationDrill(t.em(), t.as('handler-f06'), {
        period: periodId,
        figure: 'beneficiaries',
        policy: policies.elderly.id,
      }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(policyEvaluation(t.em(), t.as('operator'), { periodId })).rejects.toBeInstanceOf(Forbidden);
  });

  it('drills into the records (masked), the files, and the appeals behind a figure, page by page', async () => {
    const records = await evaluationDrill(t.em(), t.as('supervisor'), {
      period: String(periodId),
      figure: 'beneficiaries',
      policy: String(policies.pension.id),
    });
    expect(records.kind).toBe('records');
    expect(records.total).toBe(3);
    if (records.kind !== 'records') throw new Error('records');
    expect(records.items.map((r) => r.name)).toEqual(['甲一', '甲二', '甲三']);
    expect(records.items[0].phone).toBe('139****0001');
    expect(records.items[0].identifier).toMatch(/^330105\*{8}\d{3}[\dX]$/);

    const files = await evaluationDrill(t.em(), t.as('supervisor'), {
      period: periodId,
      figure: 'reports',
      policy: policies.elderly.id,
    });
    expect(files).toMatchObject({ kind: 'uploads', total: 1, items: [{ fileName: 'd01.xlsx', late: true }] });

    const f06 = await deptOf('F06');
    const complaints = await evaluationDrill(t.em(), t.as('supervisor'), {
      period: periodId,
      figure: 'complaints',
      department: f06,
    });
    expect(complaints.total).toBe(3);
    const onTime = await evaluationDrill(t.em(), t.as('supervisor'), {
      period: periodId,
      figure: 'complaintsOnTime',
      department: f06,
    });
    expect(onTime).toMatchObject({ kind: 'appeals', total: 1, items: [{ reason: 'complaint', onTime: true }] });
    const consultations = await evaluationDrill(t.em(), t.as('supervisor'), {
      period: periodId,
      figure: 'consultations',
      policy: policies.elderly.id,
    });
    expect(consultations.total).toBe(3);
    expect(consultations.items).toHaveLength(3);
    expect(consultations.next).toBeNull();

    const unsatisfied = await evaluationDrill(t.em(), t.as('supervisor'), {
      period: periodId,
      figure: 'reached',
      policy: policies.pension.id,
    });
    expect(unsatisfied).toMatchObject({ kind: 'callbacks', total: 2 });
    expect(unsatisfied.items.map((c) => ('outcome' in c ? [c.name, c.outcome, c.phone] : null))).toEqual([
      ['甲一', 'confirmed', '139****0001'],
      ['甲二', 'problem', '139****0002'],
    ]);
    const satisfied = await evaluationDrill(t.em(), t.as('supervisor'), {
      period: periodId,
      figure: 'satisfied',
      department: f06,
    });
    expect(satisfied.total).toBe(2);
  });

  it('writes the report for the meeting in a job: a PDF with the title, a policy and a figure; numbers in Excel', async () => {
    const { id } = await requestEvaluationReport(t.em(), t.boss, t.as('supervisor'), periodId);
    expect((await listEvaluationReports(t.em(), t.as('supervisor'), periodId))[0]).toMatchObject({
      id,
      state: 'queued',
    });
    const [job] = await t.sql<{ data: { reportId: number } }>(
      `select data from pgboss.job where name = 'policy-evaluation-report'`,
    );
    expect(job.data).toEqual({ reportId: id });
    await runEvaluationReport(t.em(), id, afterDue);
    const [entry] = await listEvaluationReports(t.em(), t.as('supervisor'), periodId);
    expect(entry).toMatchObject({ id, state: 'done', failure: null });
    await expect(evaluationReportFile(t.em(), t.as('handler-f06'), id, 'pdf')).rejects.toBeInstanceOf(Forbidden);

    const pdf = await evaluationReportFile(t.em(), t.as('supervisor'), id, 'pdf');
    expect(pdf.contentType).toBe('application/pdf');
    expect(pdf.fileName).toBe(`政策落实评价-${label}.pdf`);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evaluation-pdf-'));
    try {
      writeFileSync(path.join(dir, 'r.pdf'), pdf.bytes);
      execFileSync('pdftotext', ['-layout', path.join(dir, 'r.pdf'), path.join(dir, 'r.txt')]);
      const text = readFileSync(path.join(dir, 'r.txt'), 'utf8');
      expect(text).toContain(`政策落实评价报告（晴雨表）· ${label}`);
      expect(text).toContain('城乡居民基本养老保险缴费补贴');
      expect(text).toContain('350.50');
      expect(text).toContain('70.0');
      expect(text).toContain('新就业大学生租房补贴');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const book = await evaluationReportFile(t.em(), t.as('supervisor'), id, 'xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(book.bytes as never);
    const sheet = wb.getWorksheet('按政策')!;
    const header = (sheet.getRow(2).values as unknown[]).map(String);
    let found: ExcelJS.Row | undefined;
    sheet.eachRow((r) => {
      if (r.getCell(2).value === policies.pension.number) found = r;
    });
    expect(found).toBeDefined();
    const cell = (name: string) => found!.getCell(header.indexOf(name)).value;
    expect(cell('上报人次')).toBe(3);
    expect(cell('上报金额（元）')).toBe(350.5);
    expect(cell('综合得分')).toBe(70);
    expect(cell('到账确认率')).toBe(1);
    expect(cell('投诉按期办结率')).toBe(0.5);
    expect(wb.getWorksheet('按牵头单位')).toBeDefined();
    const events = await t.sql<{ detail: { what: string; format: string } }>(
      `select detail from security_event where kind = 'export' order by id`,
    );
    expect(events.map((e) => [e.detail.what, e.detail.format])).toEqual([
      ['policyEvaluationReport', 'pdf'],
      ['policyEvaluationReport', 'xlsx'],
    ]);
  });
});
