import { legalDocumentPdf, localDateZh, oneLine, partyParagraph, plain, SIZE } from './legal-document-pdf.server';

// The printable 仲裁裁决书 of a labour arbitration case: the parties in full (the applicant with his
// ID number, the employer with its unified social credit code), the claims, the hearings held, the
// award and its date. Printed only for people allowed to, and every print recorded (print.server.ts).

export interface AwardPdfInput {
  /** The referral case number, e.g. 'ZC2026000003'. */
  number: string;
  /** The arbitration commission. */
  agencyName: string;
  appealNumber: string;
  disputeTitle: string;
  applicant: { name: string; idNumber: string | null; address: string; phone: string | null };
  respondent: {
    name: string;
    creditCode: string;
    address: string;
    representative: string | null;
    phone: string | null;
  };
  claims: string;
  arbitratorName: string;
  hearings: { no: number; heldAt: string | null; place: string }[];
  award: { text: string; resolved: boolean; awardedAt: string };
}

const RIGHTS_NOTE =
  '当事人对本裁决不服的，可以自收到本裁决书之日起十五日内向人民法院提起诉讼；期满不起诉的，本裁决书发生法律效力。';

export async function awardPdf(input: AwardPdfInput): Promise<Buffer> {
  return legalDocumentPdf({ title: '劳动争议仲裁裁决书', number: input.number }, (page) => {
    const { doc, heading, line, keep } = page;

    heading('一、当事人');
    partyParagraph(page, '申请人', [
      ['姓名', input.applicant.name],
      ['身份证号', input.applicant.idNumber],
      ['住址', input.applicant.address],
      ['联系电话', input.applicant.phone],
    ]);
    partyParagraph(page, '被申请人', [
      ['名称', input.respondent.name],
      ['统一社会信用代码', input.respondent.creditCode],
      ['住所', input.respondent.address],
      ['法定代表人', input.respondent.representative],
      ['联系电话', input.respondent.phone],
    ]);

    heading('二、仲裁请求');
    line(`案由：${oneLine(input.disputeTitle)}（诉求编号：${oneLine(input.appealNumber)}）`);
    line(plain(input.claims).trim(), { paragraphGap: 4 });

    heading('三、审理经过');
    const held = input.hearings.filter((h) => h.heldAt).sort((a, b) => a.no - b.no);
    if (held.length === 0) line('（无已开庭记录）');
    for (const h of held) line(`第 ${h.no} 次开庭：${localDateZh(h.heldAt)}，地点：${oneLine(h.place)}`);

    heading('四、裁决如下');
    line(plain(input.award.text).trim(), { paragraphGap: 4 });
    doc.moveDown(0.6);
    keep(SIZE.body * 5);
    line(RIGHTS_NOTE);

    keep(SIZE.body * 8);
    doc.moveDown(1);
    line(`仲裁员：${oneLine(input.arbitratorName)}`);
    doc.moveDown(1);
    line(oneLine(input.agencyName), { align: 'right' });
    line(localDateZh(input.award.awardedAt), { align: 'right' });
  });
}
