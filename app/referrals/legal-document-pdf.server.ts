import { finishPdf, openPdf } from '../reports/pdf-document.server';

// The page of a legal document a referral case prints (人民调解协议书, 仲裁裁决书): A4 portrait, the
// embedded Chinese font of the report exports, a centred title, the case number, numbered headings,
// and page numbers at the foot of every page. Everything people typed is written as plain text
// (pdfkit has no markup).

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
export function plain(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
  );
}

export const oneLine = (text: string) => plain(text).replace(/\s+/g, ' ').trim();

const PAGE = { margin: 56, footer: 32 };
export const COLORS = { text: '#000000', muted: '#555555', line: '#888888', band: '#f0f0f0' };
export const SIZE = { title: 20, heading: 12.5, body: 11, small: 9 };

export interface LegalPage {
  doc: PDFKit.PDFDocument;
  left: number;
  width: number;
  /** Starts a new page unless `height` more points fit on this one, so a block is not split. */
  keep(height: number): void;
  heading(label: string): void;
  line(text: string, opts?: PDFKit.Mixins.TextOptions): void;
}

/** Writes a document with `body` between its title block and its page numbers. */
export async function legalDocumentPdf(
  head: { title: string; number: string },
  body: (page: LegalPage) => void,
): Promise<Buffer> {
  const { doc, done } = openPdf({
    size: 'A4',
    layout: 'portrait',
    bufferPages: true,
    margins: { top: PAGE.margin, left: PAGE.margin, right: PAGE.margin, bottom: PAGE.margin + PAGE.footer },
    info: { Title: `${head.title} ${oneLine(head.number)}`, Creator: '12345 热线' },
  });
  doc.fillColor(COLORS.text);
  const left = PAGE.margin;
  const width = doc.page.width - PAGE.margin * 2;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const keep = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };
  const page: LegalPage = {
    doc,
    left,
    width,
    keep,
    heading: (label) => {
      doc.moveDown(0.8);
      keep(SIZE.heading * 2 + SIZE.body * 2);
      doc.fontSize(SIZE.heading).fillColor(COLORS.text).text(label, left, doc.y, { width });
      doc.moveDown(0.3);
      doc.fontSize(SIZE.body);
    },
    line: (text, opts = {}) => {
      doc
        .fontSize(SIZE.body)
        .fillColor(COLORS.text)
        .text(text, left, doc.y, { width, lineGap: 3, ...opts });
    },
  };

  doc.fontSize(SIZE.title).text(head.title, left, PAGE.margin, { width, align: 'center', characterSpacing: 4 });
  doc.moveDown(0.4);
  doc
    .fontSize(SIZE.body)
    .fillColor(COLORS.muted)
    .text(`编号：${oneLine(head.number)}`, left, doc.y, { width, align: 'right' });
  doc.fillColor(COLORS.text);

  body(page);

  return finishPdf(doc, done, {
    margin: PAGE.margin,
    color: COLORS.muted,
    size: SIZE.small,
    align: 'center',
    label: (page, count) => `第 ${page} 页 / 共 ${count} 页`,
  });
}

/** One party as a legal document names it: its role, then each particular that is known, in full. */
export function partyParagraph(page: LegalPage, role: string, particulars: [string, string | null | undefined][]) {
  const known = particulars.filter(([, v]) => v && v.trim()).map(([k, v]) => `${k}：${oneLine(v!)}`);
  page.keep(SIZE.body * 4);
  page.line(`${role}：${known.join('，')}`);
  page.doc.moveDown(0.3);
}
