import { maskPhone } from '../cases/masking';
import { openPdf } from '../reports/export.server';

// The printable 人民调解协议书 of a mediation case: A4 portrait, the embedded Chinese font of the
// report exports, page numbers at the foot of every page. Everything the parties or staff typed is
// written as plain text (pdfkit has no markup), and phone numbers are masked.

export interface AgreementPdfInput {
  /** The referral case number, e.g. 'TJ2026000012'. */
  number: string;
  /** The mediation committee, e.g. '市人民调解委员会'. */
  agencyName: string;
  appealNumber: string;
  /** The appeal's title. */
  disputeTitle: string;
  parties: { id: number; name: string; side: 'applicant' | 'respondent' | 'thirdParty'; phone: string | null }[];
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

const TIME_ZONE = 'Asia/Shanghai';
const dateParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

/** An instant as its local (Asia/Shanghai) date, e.g. 2026年11月23日; an unreadable value prints as '—'. */
export function localDateZh(iso: string | null | undefined): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '—';
  const parts = Object.fromEntries(dateParts.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日`;
}

/** Line breaks kept, other control and direction-override characters dropped so nothing reorders the print. */
function plain(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
  );
}

const oneLine = (text: string) => plain(text).replace(/\s+/g, ' ').trim();

const PAGE = { margin: 56, footer: 32 };
const COLORS = { text: '#000000', muted: '#555555', line: '#888888', band: '#f0f0f0' };
const SIZE = { title: 20, heading: 12.5, body: 11, small: 9 };
const PERFORMANCE_NOTE =
  '履行方式：各方当事人应当按照本协议约定的内容、期限和方式自觉履行；经人民法院司法确认的，一方拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行。';

export async function agreementPdf(input: AgreementPdfInput): Promise<Buffer> {
  const { doc, done } = openPdf({
    size: 'A4',
    layout: 'portrait',
    bufferPages: true,
    margins: { top: PAGE.margin, left: PAGE.margin, right: PAGE.margin, bottom: PAGE.margin + PAGE.footer },
    info: { Title: `人民调解协议书 ${oneLine(input.number)}`, Creator: '12345 热线' },
  });
  doc.fillColor(COLORS.text);

  const left = PAGE.margin;
  const width = doc.page.width - PAGE.margin * 2;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  /** Starts a new page unless `height` more points fit on this one, so a block is not split. */
  const keep = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };
  const heading = (label: string) => {
    doc.moveDown(0.8);
    keep(SIZE.heading * 2 + SIZE.body * 2);
    doc.fontSize(SIZE.heading).fillColor(COLORS.text).text(label, left, doc.y, { width });
    doc.moveDown(0.3);
    doc.fontSize(SIZE.body);
  };
  const line = (text: string, opts: PDFKit.Mixins.TextOptions = {}) => {
    doc
      .fontSize(SIZE.body)
      .fillColor(COLORS.text)
      .text(text, left, doc.y, { width, lineGap: 3, ...opts });
  };

  // Title and number.
  doc.fontSize(SIZE.title).text('人民调解协议书', left, PAGE.margin, { width, align: 'center', characterSpacing: 4 });
  doc.moveDown(0.4);
  doc
    .fontSize(SIZE.body)
    .fillColor(COLORS.muted)
    .text(`编号：${oneLine(input.number)}`, left, doc.y, { width, align: 'right' });
  doc.fillColor(COLORS.text);

  // Parties.
  heading('一、当事人');
  const cols = [
    { label: '身份', w: 0.2 },
    { label: '姓名', w: 0.45 },
    { label: '联系电话', w: 0.35 },
  ].map((c) => ({ ...c, w: c.w * width }));
  const rowHeight = SIZE.body + 12;
  const drawRow = (cells: string[], band: boolean) => {
    keep(rowHeight);
    const y = doc.y;
    if (band) doc.rect(left, y, width, rowHeight).fill(COLORS.band);
    let x = left;
    cells.forEach((cell, i) => {
      doc
        .fontSize(SIZE.body)
        .fillColor(COLORS.text)
        .text(cell, x + 6, y + 6, { width: cols[i].w - 12, height: rowHeight - 6, lineBreak: false, ellipsis: true });
      x += cols[i].w;
    });
    doc
      .moveTo(left, y + rowHeight)
      .lineTo(left + width, y + rowHeight)
      .lineWidth(0.5)
      .strokeColor(COLORS.line)
      .stroke();
    doc.x = left;
    doc.y = y + rowHeight;
  };
  drawRow(
    cols.map((c) => c.label),
    true,
  );
  for (const party of input.parties) {
    drawRow(
      [
        PARTY_SIDE_LABELS[party.side] ?? '',
        oneLine(party.name),
        maskPhone(party.phone ? oneLine(party.phone) : null) || '—',
      ],
      false,
    );
  }

  // The dispute.
  heading('二、纠纷事项');
  line(`纠纷事项：${oneLine(input.disputeTitle)}`);
  line(`诉求编号：${oneLine(input.appealNumber)}`);

  // Sessions held.
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

  // Signatures.
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

  // Page numbers in the bottom margin; the margin is lifted while writing there so no page is added.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const margins = doc.page.margins;
    doc.page.margins = { ...margins, bottom: 0 };
    doc
      .fontSize(SIZE.small)
      .fillColor(COLORS.muted)
      .text(`第 ${i - range.start + 1} 页 / 共 ${range.count} 页`, left, doc.page.height - PAGE.margin, {
        width,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins = margins;
  }
  doc.end();
  return done;
}
