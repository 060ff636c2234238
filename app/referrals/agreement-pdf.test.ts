import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agreementPdf, localDateZh, type AgreementPdfInput } from './agreement-pdf.server';
import { awardPdf } from './award-pdf.server';

const dir = mkdtempSync(path.join(os.tmpdir(), 'agreement-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The PDF's text as poppler reads it, one string per page. */
function pdfPages(bytes: Buffer): string[] {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', '-layout', file, '-'], { encoding: 'utf8' })
    .split('\f')
    .filter((p) => p.trim());
}
const squash = (s: string) => s.replace(/\s+/g, '');

const clause = (n: number) =>
  `第${n}条 被申请人张建国于二〇二六年十二月${(n % 28) + 1}日前向申请人李秀英支付房屋漏水维修费用人民币${n * 100}元，双方就楼上漏水造成的损失不再另行主张。`;
const LONG_TEXT = Array.from({ length: 60 }, (_, i) => clause(i + 1)).join('\n');

const input = (over: Partial<AgreementPdfInput> = {}): AgreementPdfInput => ({
  number: 'TJ2026000012',
  agencyName: '市人民调解委员会',
  appealNumber: 'A20261120001',
  disputeTitle: '楼上住户漏水导致房屋受损',
  parties: [
    {
      id: 1,
      name: '李秀英',
      side: 'applicant',
      phone: '13812345678',
      idNumber: '11010519491231002X',
      address: '示范市幸福路12号3单元502室',
    },
    {
      id: 2,
      name: '张建国',
      side: 'respondent',
      phone: '13987654321',
      idNumber: null,
      address: '示范市幸福路12号3单元602室',
    },
    { id: 3, name: '王物业', side: 'thirdParty', phone: null, idNumber: null, address: null },
  ],
  mediatorName: '陈调解',
  sessions: [
    { no: 2, heldAt: '2026-11-20T17:30:00.000Z', place: '社区调解室' }, // 11月21日 in Shanghai
    { no: 1, heldAt: '2026-11-18T02:00:00.000Z', place: '街道司法所' },
    { no: 3, heldAt: null, place: '尚未举行的地点' },
  ],
  agreement: { text: LONG_TEXT, signedPartyIds: [1, 2, 3], reachedAt: '2026-11-22T16:30:00.000Z' }, // 11月23日 in Shanghai
  confirmation: null,
  ...over,
});

describe('agreementPdf', () => {
  it('prints a multi-page 人民调解协议书 with parties, text, signatures and page numbers', async () => {
    const bytes = await agreementPdf(input());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdfPages(bytes);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const all = squash(pages.join('\n'));

    expect(all).toContain('人民调解协议书');
    expect(all).toContain('编号：TJ2026000012');
    for (const name of ['李秀英', '张建国', '王物业', '陈调解']) expect(all).toContain(name);
    for (const side of ['申请人', '被申请人', '第三人']) expect(all).toContain(side);
    expect(all).toContain('楼上住户漏水导致房屋受损');
    expect(all).toContain('A20261120001');
    // Held sessions only, by number, with the local date.
    expect(all).toContain('第1次调解：2026年11月18日，地点：街道司法所');
    expect(all).toContain('第2次调解：2026年11月21日，地点：社区调解室');
    expect(all).not.toContain('尚未举行的地点');
    // The agreement text, from its first clause to its last, across pages.
    expect(all).toContain(squash(clause(1)));
    expect(all).toContain(squash(clause(30)));
    expect(all).toContain(squash(clause(60)));
    expect(all).toContain('履行方式');
    expect(all).toContain('当事人（签名）：李秀英已签署');
    expect(all).toContain('当事人（签名）：王物业已签署');
    expect(all).toContain('调解员：陈调解');
    expect(all).toContain('市人民调解委员会');
    expect(all).toContain('2026年11月23日');
    expect(all).not.toContain('六、司法确认');
    // A legal document names the parties in full: ID number, address and phone as recorded, nothing masked.
    expect(all).toContain(
      '申请人：姓名：李秀英，身份证号：11010519491231002X，住址：示范市幸福路12号3单元502室，联系电话：13812345678',
    );
    expect(all).toContain('被申请人：姓名：张建国，住址：示范市幸福路12号3单元602室，联系电话：13987654321');
    expect(all).toContain('第三人：姓名：王物业');
    expect(all).not.toContain('****');
    // Every page carries its number and the total.
    pages.forEach((page, i) => expect(squash(page)).toContain(`第${i + 1}页/共${pages.length}页`));
  });

  it('marks parties who have not signed and prints the judicial confirmation', async () => {
    const confirmed = pdfPages(
      await agreementPdf(
        input({
          agreement: { text: '双方同意和解。', signedPartyIds: [1, 2], reachedAt: '2026-11-22T16:30:00.000Z' },
          confirmation: {
            court: '市中级人民法院',
            requestedAt: '2026-11-25T03:00:00.000Z',
            ruling: '（2026）民特字第12号裁定确认有效',
            rejectionReason: null,
          },
        }),
      ),
    );
    const text = squash(confirmed.join('\n'));
    expect(text).toContain('当事人（签名）：王物业未签署');
    expect(text).toContain('六、司法确认');
    expect(text).toContain('受理法院：市中级人民法院');
    expect(text).toContain('申请日期：2026年11月25日');
    expect(text).toContain('（2026）民特字第12号裁定确认有效');
    confirmed.forEach((page, i) => expect(squash(page)).toContain(`第${i + 1}页/共${confirmed.length}页`));

    const rejected = squash(
      pdfPages(
        await agreementPdf(
          input({
            agreement: { text: '双方同意和解。', signedPartyIds: [1, 2, 3], reachedAt: '2026-11-22T16:30:00.000Z' },
            confirmation: {
              court: '区人民法院',
              requestedAt: '2026-11-25T03:00:00.000Z',
              ruling: null,
              rejectionReason: '协议内容违反法律强制性规定',
            },
          }),
        ),
      ).join(''),
    );
    expect(rejected).toContain('驳回申请，理由：协议内容违反法律强制性规定');
  });

  it('formats local dates in Asia/Shanghai', () => {
    expect(localDateZh('2026-11-22T16:00:00.000Z')).toBe('2026年11月23日');
    expect(localDateZh('2026-01-05T15:59:59.000Z')).toBe('2026年1月5日');
    expect(localDateZh('not a date')).toBe('—');
    expect(localDateZh(null)).toBe('—');
  });
});

describe('awardPdf', () => {
  it('prints a 劳动争议仲裁裁决书 with both parties in full, the claims, the hearings, the award and its date', async () => {
    const bytes = await awardPdf({
      number: 'ZC2026000003',
      agencyName: '市劳动人事争议仲裁委员会',
      appealNumber: 'A20261120002',
      disputeTitle: '公司拖欠工资',
      applicant: {
        name: '赵铁柱',
        idNumber: '11010519491231002X',
        address: '示范市东城区和平里5号',
        phone: '13700001111',
      },
      respondent: {
        name: '示范市顺达物流有限公司',
        creditCode: '91350100M000100Y43',
        address: '示范市经开区物流园8号',
        representative: '钱有福',
        phone: null,
      },
      claims: '一、支付拖欠工资人民币壹万贰仟元；\n二、支付未签劳动合同的二倍工资差额。',
      arbitratorName: '仲裁员 韩立',
      hearings: [
        { no: 1, heldAt: '2026-11-25T01:30:00.000Z', place: '第一仲裁庭' },
        { no: 2, heldAt: null, place: '未开庭的地点' },
      ],
      award: {
        text: '被申请人于本裁决生效之日起十日内支付申请人工资人民币壹万贰仟元。',
        resolved: true,
        awardedAt: '2026-11-28T16:30:00.000Z',
      },
    });
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const all = squash(pdfPages(bytes).join('\n'));
    expect(all).toContain('劳动争议仲裁裁决书');
    expect(all).toContain('编号：ZC2026000003');
    expect(all).toContain(
      '申请人：姓名：赵铁柱，身份证号：11010519491231002X，住址：示范市东城区和平里5号，联系电话：13700001111',
    );
    expect(all).toContain(
      '被申请人：名称：示范市顺达物流有限公司，统一社会信用代码：91350100M000100Y43，住所：示范市经开区物流园8号，法定代表人：钱有福',
    );
    expect(all).toContain('支付未签劳动合同的二倍工资差额');
    expect(all).toContain('第1次开庭：2026年11月25日，地点：第一仲裁庭');
    expect(all).not.toContain('未开庭的地点');
    expect(all).toContain('四、裁决如下');
    expect(all).toContain('被申请人于本裁决生效之日起十日内支付申请人工资人民币壹万贰仟元');
    expect(all).toContain('十五日内向人民法院提起诉讼');
    expect(all).toContain('仲裁员：仲裁员韩立');
    expect(all).toContain('市劳动人事争议仲裁委员会');
    expect(all).toContain('2026年11月29日');
    expect(all).toContain('第1页/共1页');
  });
});
