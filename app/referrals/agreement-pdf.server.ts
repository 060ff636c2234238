import { legalDocumentPdf, localDateZh, oneLine, partyParagraph, plain, SIZE } from './legal-document-pdf.server';

export { localDateZh } from './legal-document-pdf.server';

// The printable 人民调解协议书 of a mediation case. A legal document names its parties in full:
// name, ID number, address and phone, as the mediator recorded them (decision 025); only people
// allowed to print it get it, and every print is recorded (app/referrals/print.server.ts).

export interface AgreementPdfInput {
  /** The referral case number, e.g. 'TJ2026000012'. */
  number: string;
  /** The mediation committee, e.g. '市人民调解委员会'. */
  agencyName: string;
  appealNumber: string;
  /** The appeal's title. */
  disputeTitle: string;
  parties: {
    id: number;
    name: string;
    side: 'applicant' | 'respondent' | 'thirdParty';
    phone: string | null;
    /** The clear ID number, opened for this print. */
    idNumber: string | null;
    address: string | null;
  }[];
  mediatorName: string;
  /** Only sessions with `heldAt` are printed. */
  sessions: { no: number; heldAt: string | null; place: string }[];
  agreement: { text: string; signedPartyIds: number[]; reachedAt: string };
  confirmation: { court: string; requestedAt: string; ruling: string | null; rejectionReason: string | null } | null;
}

export const PARTY_SIDE_LABELS: Record<AgreementPdfInput['parties'][number]['side'], string> = {
  applicant: '申请人',
  respondent: '被申请人',
  thirdParty: '第三人',
};

const PERFORMANCE_NOTE =
  '履行方式：各方当事人应当按照本协议约定的内容、期限和方式自觉履行；经人民法院司法确认的，一方拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行。';

export async function agreementPdf(input: AgreementPdfInput): Promise<Buffer> {
  return legalDocumentPdf({ title: '人民调解协议书', number: input.number }, (page) => {
    const { doc, heading, line, keep } = page;

    heading('一、当事人');
    for (const party of input.parties) {
      partyParagraph(page, PARTY_SIDE_LABELS[party.side] ?? '当事人', [
        ['姓名', party.name],
        ['身份证号', party.idNumber],
        ['住址', party.address],
        ['联系电话', party.phone],
      ]);
    }

    heading('二、纠纷事项');
    line(`纠纷事项：${oneLine(input.disputeTitle)}`);
    line(`诉求编号：${oneLine(input.appealNumber)}`);

    heading('三、调解经过');
    const held = input.sessions.filter((s) => s.heldAt).sort((a, b) => a.no - b.no);
    if (held.length === 0) line('（无已举行的调解记录）');
    for (const s of held) line(`第 ${s.no} 次调解：${localDateZh(s.heldAt)}，地点：${oneLine(s.place)}`);

    // The agreement itself: flows over as many pages as it needs.
    heading('四、协议内容');
    line(plain(input.agreement.text).trim(), { paragraphGap: 4 });
    doc.moveDown(0.6);
    keep(SIZE.body * 5); // the note's two or three lines stay together
    line(PERFORMANCE_NOTE);

    heading('五、签署');
    const signed = new Set(input.agreement.signedPartyIds);
    for (const party of input.parties) {
      keep(SIZE.body * 2.5);
      line(`当事人（签名）：${oneLine(party.name)}  ${signed.has(party.id) ? '已签署' : '未签署'}`);
      doc.moveDown(0.4);
    }
    keep(SIZE.body * 8);
    doc.moveDown(0.4);
    line(`调解员：${oneLine(input.mediatorName)}`);
    doc.moveDown(1);
    line(oneLine(input.agencyName), { align: 'right' });
    line(localDateZh(input.agreement.reachedAt), { align: 'right' });

    // Judicial confirmation, once applied for.
    if (input.confirmation) {
      const c = input.confirmation;
      heading('六、司法确认');
      line(`受理法院：${oneLine(c.court)}`);
      line(`申请日期：${localDateZh(c.requestedAt)}`);
      if (c.ruling) line(`确认裁定：${oneLine(c.ruling)}`);
      else if (c.rejectionReason) line(`驳回申请，理由：${plain(c.rejectionReason).trim()}`);
      else line('确认裁定：尚未作出');
    }
  });
}
