import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { isResidentIdNumber, isUnifiedSocialCreditCode } from '../../machines/identifiers';
import { Conflict, Forbidden, InvalidInput } from '../../app/domain/errors';
import { idNumberIndexes, openIdNumber } from '../../app/security/id-number.server';
import {
  listPeriods,
  openPeriod,
  periodReport,
  policyRecords,
  recordsTemplateFor,
  uploadRecords,
} from '../../app/policy-records/records.server';
import { RecordsFileRefused } from '../../app/policy-records/records-file.server';
import { RECORD_COLUMNS } from '../../app/policy-records/rows';
import { DEMO_RECORDED_CALLER, demoIdNumber } from '../../app/seed/demo-policy-records.server';
import { DB_KINDS } from '../support/env';
import { useTestDatabase } from '../support/services';

// Implementation records end to end on the store: the demo's periods and records, a period opened, the template,
// a file with two bad rows refused with both named and nothing written, the fixed file accepted in one piece, a
// second file naming the same beneficiary refused, late reports flagged, and each department kept to its own.

const NOW = new Date('2026-12-02T10:00:00+08:00');
type Row = (string | number | Date | null)[];

/** A real .xlsx as a department fills in the template: the header row, then the rows given. */
async function xlsx(rows: Row[], header: readonly string[] = RECORD_COLUMNS): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('落实记录');
  sheet.addRow([...header]);
  for (const r of rows) sheet.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe.each(DB_KINDS)('implementation records on %s', (kind) => {
  const t = useTestDatabase(kind);
  const f06 = () => t.as('handler-f06');
  const count = async (table: string) => (await t.sql<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n;
  let periodId = 0;
  let numbers: { f06: string[]; other: string } = { f06: [], other: '' };
  const idOf = (birth: string, seq: number) => demoIdNumber('330102', birth, seq);

  it('seeds a past period and one being reported, with valid identifiers, some late and one missing', async () => {
    const periods = await listPeriods(t.em());
    expect(periods).toHaveLength(2);
    const records = await t.sql<{
      beneficiary_kind: string;
      id_number_sealed: string | null;
      credit_code: string | null;
    }>('select beneficiary_kind, id_number_sealed, credit_code from policy_record');
    expect(records.length).toBeGreaterThan(200);
    for (const r of records)
      if (r.beneficiary_kind === 'person') expect(isResidentIdNumber(openIdNumber(r.id_number_sealed)!)).toBe(true);
      else expect(isUnifiedSocialCreditCode(r.credit_code!)).toBe(true);
    const past = await periodReport(t.em(), t.as('supervisor'), periods[1].id, NOW);
    expect(past.totals.late).toBeGreaterThan(0);
    expect(past.totals.missing).toBeGreaterThan(0);
    expect(past.policies.filter((p) => p.status === 'onTime').length).toBeGreaterThan(0);
    const policies = await t.sql<{ number: string; code: string }>(
      `select p.number, d.code from policy p join department d on d.id = p.lead_department_id
        join policy_version v on v.policy_id = p.id and v.current order by p.number`,
    );
    numbers = {
      f06: policies.filter((p) => p.code === 'F06').map((p) => p.number),
      other: policies.find((p) => p.code !== 'F06')!.number,
    };
    expect(numbers.f06.length).toBeGreaterThan(1);
    // README's sipp caller has last month's 高龄津贴 recorded, found by her ID number's blind index.
    const [caller] = await t.sql<{ title: string; phone: string }>(
      `select p.title, r.phone from policy_record r join policy p on p.id = r.policy_id
        where r.period_id = ? and r.beneficiary_key in (?)`,
      [periods[0].id, idNumberIndexes(DEMO_RECORDED_CALLER.idNumber)],
    );
    expect(caller).toEqual({ title: '东城区80周岁以上老年人高龄津贴', phone: DEMO_RECORDED_CALLER.phone });
  });

  it('opens a period from its label with the default due day; refuses a bad label, a second one and a department', async () => {
    const period = await openPeriod(t.em(), t.as('supervisor'), { label: '2027-01' }, NOW);
    expect(period).toMatchObject({
      label: '2027-01',
      startsOn: '2027-01-01',
      endsOn: '2027-01-31',
      dueOn: '2027-02-10',
    });
    periodId = period.id;
    const bad = await openPeriod(t.em(), t.as('supervisor'), { label: '2027-13' }).catch((e) => e);
    expect((bad as InvalidInput).fieldErrors.label).toBeDefined();
    const again = await openPeriod(t.em(), t.as('admin'), { label: '2027-01', dueOn: '2027-02-20' }).catch((e) => e);
    expect((again as InvalidInput).fieldErrors.label).toEqual(['期间 2027-01 已设置']);
    const early = await openPeriod(t.em(), t.as('admin'), { label: '2027-02', dueOn: '2027-02-20' }).catch((e) => e);
    expect((early as InvalidInput).fieldErrors.dueOn).toEqual(['上报截止日不能早于期间结束日']);
    await expect(openPeriod(t.em(), f06(), { label: '2027-03' })).rejects.toBeInstanceOf(Forbidden);
  });

  it("writes a template with the header, an example row and the department's own policies", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await recordsTemplateFor(t.em(), f06(), NOW)) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('落实记录')!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...RECORD_COLUMNS]);
    expect(sheet.getRow(2).getCell(1).value).toBe(numbers.f06[0]);
    const listed: string[] = [];
    wb.getWorksheet('可上报政策')!.eachRow((r, i) => i > 1 && listed.push(String(r.getCell(1).value)));
    expect(listed).toEqual(numbers.f06);
  });

  const good = (): Row[] => [
    [
      numbers.f06[0],
      '个人',
      '王秀英',
      idOf('1950-03-15', 1),
      '13900001111',
      1200,
      new Date('2027-01-05T00:00:00Z'),
      '免申即享',
    ],
    [numbers.f06[0], '个人', '李建国', idOf('1948-07-01', 2), '13900001112', '1200.50', '2027-01-06', '依申请'],
    [
      numbers.f06[1],
      '企业',
      '示范市华兴食品有限公司',
      '91330100716105852F',
      '0571-86001234',
      30000,
      '2027/1/20',
      '免申即享',
    ],
  ];

  it('refuses a file with two bad rows naming both with their reasons, and writes nothing', async () => {
    const before = [await count('policy_record'), await count('record_upload')];
    const rows = good();
    rows[1][3] = `${idOf('1948-07-01', 2).slice(0, 17)}${idOf('1948-07-01', 2)[17] === '0' ? '1' : '0'}`; // check digit
    rows[2][5] = '三万元'; // amount
    const err = await uploadRecords(
      t.em(),
      f06(),
      { periodId, fileName: '人社局-2027-01.xlsx', bytes: await xlsx(rows) },
      NOW,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(RecordsFileRefused);
    const refused = err as RecordsFileRefused;
    expect(refused.rows.map((r) => r.row)).toEqual([3, 4]);
    expect(refused.rows[0].problems.map((p) => p.message)).toEqual(['身份证号校验码不正确']);
    expect(refused.rows[1].problems.map((p) => p.message)).toEqual(['发放金额“三万元”不是数字']);
    expect(refused.fieldErrors.file).toEqual(['第 3 行：身份证号校验码不正确', '第 4 行：发放金额“三万元”不是数字']);
    expect([await count('policy_record'), await count('record_upload')]).toEqual(before);
  });

  it('names every other reason a row is refused', async () => {
    const rows: Row[] = [
      ['ZC-9999', '个人', '张三', idOf('1950-01-01', 3), '13900001113', 100, '2027-01-05', '免申即享'],
      [numbers.other, '个人', '张三', idOf('1950-01-01', 4), '13900001114', 100, '2027-01-05', '免申即享'],
      [numbers.f06[1], '企业', '某公司', '91330100716105852E', '13900001115', -5, '2027-02-01', '主动发放'],
      [numbers.f06[0], '个人', '王秀英', idOf('1950-03-15', 1), '13900001111', 100, '2027-01-07', '免申即享'],
      [numbers.f06[0], '个人', '王秀英', idOf('1950-03-15', 1), '13900001111', 100, '2027-01-08', '免申即享'],
      [
        numbers.f06[0],
        '单位',
        '王',
        Number('330102195001010011') /* an ID number typed into a number cell */,
        'abc',
        '',
        '2027-01-32',
        '',
      ],
    ];
    const err = (await uploadRecords(
      t.em(),
      f06(),
      { periodId, fileName: 'x.xlsx', bytes: await xlsx(rows) },
      NOW,
    ).catch((e) => e)) as RecordsFileRefused;
    const byRow = Object.fromEntries(err.rows.map((r) => [r.row, r.problems.map((p) => p.message)]));
    expect(byRow[2]).toEqual(['政策编号 ZC-9999 不在已发布的政策中']);
    expect(byRow[3]).toEqual([`政策 ${numbers.other} 不由本单位牵头，不能上报`]);
    expect(byRow[4]).toEqual([
      '统一社会信用代码校验位不正确，请核对',
      '发放金额须大于 0',
      '发放日期 2027-02-01 不在 2027-01 期间（2027-01-01 至 2027-01-31）',
      '发放方式应为“免申即享”或“依申请”',
    ]);
    expect(byRow[5]).toBeUndefined();
    expect(byRow[6]).toEqual(['与第 5 行重复（同一政策同一对象）']);
    expect(byRow[7]).toEqual([
      '对象类型应为“个人”或“企业”',
      '姓名或单位名称至少 2 个字',
      '身份证号或统一社会信用代码须以文本格式填写（数字格式会丢失末几位）',
      '联系电话“abc”格式不正确',
      '发放金额未填写',
      '发放日期“2027-01-32”不是有效日期',
      '发放方式应为“免申即享”或“依申请”',
    ]);
    const header = await uploadRecords(
      t.em(),
      f06(),
      { periodId, fileName: 'x.xlsx', bytes: await xlsx(good(), ['编号', ...RECORD_COLUMNS.slice(1)]) },
      NOW,
    ).catch((e) => e);
    expect((header as RecordsFileRefused).rows).toEqual([
      { row: 0, problems: [expect.objectContaining({ message: '表头与模板不一致，请下载模板后按模板填写' })] },
    ]);
    const notExcel = await uploadRecords(
      t.em(),
      f06(),
      { periodId, fileName: 'x.xlsx', bytes: new TextEncoder().encode('name,amount\n') },
      NOW,
    ).catch((e) => e);
    expect((notExcel as RecordsFileRefused).message).toContain('不是有效的 Excel 文件');
  });

  it('accepts the fixed file whole, ID numbers sealed, and refuses the same beneficiaries again', async () => {
    const done = await uploadRecords(
      t.em(),
      f06(),
      { periodId, fileName: '人社局-2027-01.xlsx', bytes: await xlsx(good()) },
      NOW,
    );
    expect(done).toMatchObject({ rows: 3, totalAmount: '32400.50', policies: 2 });
    const stored = await t.sql<{ id_number_sealed: string | null; beneficiary_key: string; amount: string }>(
      'select id_number_sealed, beneficiary_key, amount::text as amount from policy_record where upload_id = ? order by source_row',
      [done.uploadId],
    );
    expect(stored.map((r) => r.amount)).toEqual(['1200.00', '1200.50', '30000.00']);
    expect(openIdNumber(stored[0].id_number_sealed)).toBe(idOf('1950-03-15', 1));
    expect(JSON.stringify(stored)).not.toContain(idOf('1950-03-15', 1));
    expect(stored[2].beneficiary_key).toBe('91330100716105852F');

    const again = (await uploadRecords(
      t.em(),
      f06(),
      { periodId, fileName: '补报.xlsx', bytes: await xlsx(good().slice(0, 1)) },
      NOW,
    ).catch((e) => e)) as RecordsFileRefused;
    expect(again.rows[0].problems.map((p) => p.message)).toEqual([
      '本期已上报过该对象（文件“人社局-2027-01.xlsx”第 2 行）',
    ]);
  });

  it("flags a department's first report after the due day as late, and shows each department only its own", async () => {
    const report = await periodReport(t.em(), f06(), periodId, new Date('2027-02-11T09:00:00+08:00'));
    const first = report.policies.find((p) => p.number === numbers.f06[0])!;
    expect(first).toMatchObject({ rows: 2, totalAmount: '2400.50', status: 'onTime' });
    expect(report.policies.every((p) => numbers.f06.includes(p.number))).toBe(true);
    expect(report.policies.find((p) => p.number === numbers.f06[2])?.status).toBe('overdue');
    expect(report.uploads).toHaveLength(1);

    const late = await uploadRecords(
      t.em(),
      f06(),
      {
        periodId,
        fileName: '迟报.xlsx',
        bytes: await xlsx([
          [numbers.f06[2], '个人', '赵敏', idOf('1990-01-01', 9), '13900001119', 500, '2027-01-31', '依申请'],
        ]),
      },
      new Date('2027-02-11T00:30:00+08:00'),
    );
    expect(late.rows).toBe(1);
    const after = await periodReport(t.em(), t.as('supervisor'), periodId, new Date('2027-02-12T09:00:00+08:00'));
    expect(after.policies.find((p) => p.number === numbers.f06[2])?.status).toBe('late');
    expect(after.policies.find((p) => p.number === numbers.f06[0])?.status).toBe('onTime');
    expect(after.policies.some((p) => !numbers.f06.includes(p.number))).toBe(true);
    expect(after.uploads.map((u) => u.late)).toEqual([true, false]);

    const policyId = after.policies.find((p) => p.number === numbers.f06[0])!.policyId;
    const listed = await policyRecords(t.em(), f06(), periodId, policyId);
    const id1 = idOf('1950-03-15', 1);
    const id2 = idOf('1948-07-01', 2);
    expect(listed.records.map((r) => r.identifier)).toEqual([
      `${id1.slice(0, 6)}********${id1.slice(-4)}`,
      `${id2.slice(0, 6)}********${id2.slice(-4)}`,
    ]);
    expect(listed.records.map((r) => r.phone)).not.toContain('13900001111');
    const otherId = after.policies.find((p) => !numbers.f06.includes(p.number))!.policyId;
    await expect(policyRecords(t.em(), f06(), periodId, otherId)).rejects.toBeInstanceOf(Forbidden);
    await expect(
      uploadRecords(t.em(), t.as('operator'), { periodId, fileName: 'x.xlsx', bytes: await xlsx(good()) }),
    ).rejects.toBeInstanceOf(Forbidden);
  });

  it('lets the admin report for any lead department, one department a file', async () => {
    const row = (number: string, seq: number): Row => [
      number,
      '个人',
      '冯晓',
      idOf('1970-02-02', seq),
      '13900001120',
      80,
      '2027-01-12',
      '免申即享',
    ];
    const mixed = (await uploadRecords(
      t.em(),
      t.as('admin'),
      { periodId, fileName: '混合.xlsx', bytes: await xlsx([row(numbers.f06[3], 11), row(numbers.other, 12)]) },
      NOW,
    ).catch((e) => e)) as RecordsFileRefused;
    expect(mixed.rows).toEqual([
      {
        row: 3,
        problems: [
          expect.objectContaining({
            message: '一个文件只能上报同一牵头单位的政策，本行政策与第 2 行的牵头单位不同',
          }),
        ],
      },
    ]);
    const done = await uploadRecords(
      t.em(),
      t.as('admin'),
      { periodId, fileName: '代报.xlsx', bytes: await xlsx([row(numbers.other, 12)]) },
      NOW,
    );
    const [upload] = await t.sql<{ department: string; uploaded_by_id: number }>(
      `select d.code as department, u.uploaded_by_id from record_upload u join department d on d.id = u.department_id
        where u.id = ?`,
      [done.uploadId],
    );
    expect(upload.department).not.toBe('F06');
    expect(upload.uploaded_by_id).toBe(t.as('admin').userId);
  });

  it('accepts only one of two files sent at once naming the same beneficiary', async () => {
    const before = await count('policy_record');
    const row: Row = [
      numbers.f06[0],
      '个人',
      '钱多多',
      idOf('1960-06-06', 7),
      '13900001117',
      300,
      '2027-01-09',
      '依申请',
    ];
    const send = async (name: string) =>
      uploadRecords(t.em(), f06(), { periodId, fileName: name, bytes: await xlsx([row]) }, NOW);
    const results = await Promise.allSettled([send('甲.xlsx'), send('乙.xlsx')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [refused] = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(refused instanceof RecordsFileRefused || refused instanceof Conflict).toBe(true);
    expect(await count('policy_record')).toBe(before + 1);
  });
});
