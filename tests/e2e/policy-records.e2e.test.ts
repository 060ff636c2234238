import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumberCheckCharacter } from '../../machines/identifiers';
import { periodOf } from '../../app/policy-records/periods';
import { launch, login, screenshot } from './browser';

// Journey (c) of the policy channel: a lead department (人社局) downloads the records template, uploads a file
// with two bad rows and is refused with both rows named, then uploads the fixed file, which is accepted and listed.

type Row = (string | number | Date)[];
const idNumber = (birth: string, seq: number) => {
  const first17 = `110101${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return first17 + idNumberCheckCharacter(first17)!;
};

async function workbook(header: unknown[], rows: Row[], name: string) {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('落实记录');
  sheet.addRow(header);
  for (const r of rows) sheet.addRow(r);
  const mimeType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  return { name, mimeType, buffer: Buffer.from(await wb.xlsx.writeBuffer()) };
}

describe('implementation records', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a lead department downloads the template, is refused a file with two bad rows, then reports the fixed file', async () => {
    const page = await login(browser, 'handler-f06');
    await page.getByTestId('home-title').waitFor();
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '落实记录', exact: true }).click();
    await page.waitForURL(/\/policy-records$/);
    await page.getByRole('link', { name: '上报落实记录' }).click();
    await page.waitForURL(/\/policy-records\/upload/);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载模板（.xlsx）' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('政策落实记录表模板.xlsx');
    const template = new ExcelJS.Workbook();
    await template.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
    const sheet = template.getWorksheet('落实记录')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header[0]).toBe('政策编号');
    const policies: string[] = [];
    template.getWorksheet('可上报政策')!.eachRow((r, i) => i > 1 && policies.push(String(r.getCell(1).value)));
    expect(policies.length).toBeGreaterThan(1);
    expect(policies).toContain(String(sheet.getRow(2).getCell(1).value));

    const form = page.getByRole('form', { name: '上报落实记录' });
    const label = (await form.getByLabel('上报期间').locator('option:checked').textContent())!.slice(0, 7);
    const period = periodOf(label)!;
    const paid = new Date(`${period.startsOn}T00:00:00Z`);
    const stamp = Date.now() % 900;
    const rows: Row[] = [
      [policies[0], '个人', '孙桂英', idNumber('1936-02-11', stamp), '13955550001', 1200, paid, '免申即享'],
      [policies[0], '个人', '周建华', idNumber('1938-05-20', stamp), '13955550002', 1200, paid, '免申即享'],
      [policies[1], '个人', '吴晓燕', idNumber('1995-09-09', stamp), '13955550003', 3000, period.endsOn, '依申请'],
      [policies[1], '个人', '郑磊', idNumber('1996-10-10', stamp), '13955550004', 3000, period.endsOn, '依申请'],
    ];
    const bad = rows.map((r) => [...r]);
    const right = String(bad[1][3]);
    bad[1][3] = right.slice(0, 17) + (right[17] === '0' ? '1' : '0'); // row 3: a wrong check digit
    bad[3][5] = '三千元'; // row 5: an amount that is no number
    await form
      .getByLabel('落实记录文件（.xlsx，不超过 5 MB）')
      .setInputFiles(await workbook(header, bad, '人社局落实记录.xlsx'));
    await form.getByRole('button', { name: '上传' }).click();
    const refused = page.getByTestId('records-refused');
    await refused.waitFor();
    const lines = await refused.getByRole('listitem').allTextContents();
    expect(lines).toEqual(['第 3 行：身份证号校验码不正确', '第 5 行：发放金额“三千元”不是数字']);
    await screenshot(page, 'policy-records-refused');

    await form
      .getByLabel('落实记录文件（.xlsx，不超过 5 MB）')
      .setInputFiles(await workbook(header, rows, '人社局落实记录（改）.xlsx'));
    await form.getByRole('button', { name: '上传' }).click();
    await page.waitForURL(/\/policy-records\?period=\d+&accepted=\d+/);
    expect(await page.getByTestId('records-accepted').textContent()).toBe(
      '已导入“人社局落实记录（改）.xlsx”：4 条记录，合计 8400.00 元',
    );
    const uploads = await page.getByTestId('records-upload').allTextContents();
    expect(uploads.filter((u) => u.includes('人社局落实记录（改）.xlsx'))).toHaveLength(1);
    expect(uploads.some((u) => u.includes('人社局落实记录.xlsx'))).toBe(false);
    expect(await page.getByTestId(`records-${policies[1]}`).getByTestId('report-status').textContent()).toBe(
      '按时上报',
    );
    await screenshot(page, 'policy-records-accepted');

    // The records behind a policy, ID numbers and phones masked.
    await page.getByTestId(`records-${policies[1]}`).getByRole('link').click();
    await page.getByRole('heading', { name: new RegExp(`${policies[1]} .* 的落实记录`) }).waitFor();
    const text = await page.locator('main, body').first().textContent();
    expect(text).toContain('吴晓燕');
    expect(text).not.toContain(String(rows[2][3]));
    expect(text).not.toContain('13955550003');
    await page.context().close();
  });

  it('keeps the page and the template to those who report or oversee', async () => {
    const operator = await login(browser, 'operator');
    await operator.getByTestId('home-title').waitFor();
    expect((await operator.goto('/policy-records'))?.status()).toBe(403);
    expect((await operator.request.get('/policy-records/template')).status()).toBe(403);
    await operator.context().close();

    const supervisor = await login(browser, 'supervisor');
    await supervisor.goto('/policy-records');
    await supervisor.getByRole('form', { name: '设置上报期间' }).waitFor();
    expect(await supervisor.getByTestId('report-status').count()).toBeGreaterThan(10);
    expect((await supervisor.request.get('/policy-records/template')).status()).toBe(403);
    await screenshot(supervisor, 'policy-records-office');
    // The month before last: reported, some after the due day, one policy never.
    const periods = supervisor.getByRole('combobox', { name: '上报期间' });
    const past = (await periods.locator('option').allTextContents())[1];
    await periods.selectOption({ label: past });
    await supervisor.getByRole('button', { name: '查看' }).click();
    await supervisor.waitForURL(/period=\d+/);
    await supervisor.getByRole('heading', { name: `${past} 月度上报情况` }).waitFor();
    const states = await supervisor.getByTestId('report-status').allTextContents();
    expect(states).toContain('逾期上报');
    expect(states).toContain('逾期未报');
    expect(states).toContain('按时上报');
    await screenshot(supervisor, 'policy-records-past-period');
    await supervisor.context().close();
  });

  it('names the refused rows in English', async () => {
    const page = await login(browser, 'handler-f06');
    await page.getByTestId('home-title').waitFor();
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await page.goto('/policy-records/upload');
    const form = page.getByRole('form', { name: 'Report records' });
    const header = [
      '政策编号',
      '对象类型（个人/企业）',
      '姓名或单位名称',
      '身份证号或统一社会信用代码',
      '联系电话',
      '发放金额（元）',
      '发放日期',
      '发放方式（免申即享/依申请）',
    ];
    const file = await workbook(
      header,
      [['ZC-9999', '个人', '王五', idNumber('1950-01-01', 1), '13955550009', '五百', '2026-01-01', '免申即享']],
      'bad.xlsx',
    );
    await form.getByLabel('Records file (.xlsx, at most 5 MB)').setInputFiles(file);
    await form.getByRole('button', { name: 'Upload' }).click();
    const refused = page.getByTestId('records-refused');
    await refused.waitFor();
    const [line] = await refused.getByRole('listitem').allTextContents();
    expect(line).toMatch(
      /^Row 2: Policy number ZC-9999 is not a published policy; The amount “五百” is not a number; The payment day 2026-01-01 is outside /,
    );
    await screenshot(page, 'policy-records-refused-en');
    await page.context().close();
  });
});
