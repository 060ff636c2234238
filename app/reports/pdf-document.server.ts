import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { DomainError } from '../domain/errors';

// What every PDF the hotline prints shares: the embedded CJK font, the definitions of the figures it shows,
// and page numbers in the bottom margin.

const FONT_FILE = 'NotoSansHans-Regular.otf';
const SYSTEM_FONT = { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' };

/** A deployment without a CJK font: said plainly, since only the operator of the server can fix it. */
export class ReportFontMissing extends DomainError {
  constructor(detail: string) {
    super(
      `无法生成 PDF：找不到可嵌入的中文字体（${detail}）。请安装 npm 包 @embedpdf/fonts-sc 或系统字体 fonts-noto-cjk，或以 REPORT_PDF_FONT 指定字体文件（.ttf/.otf；.ttc 须写成 路径#字体名）。`,
      503,
    );
  }
}

/**
 * The CJK font for PDFs: `REPORT_PDF_FONT` (a .ttf/.otf path, or `file.ttc#PostScriptName`), else the
 * Noto Sans SC that the npm package @embedpdf/fonts-sc ships (GB2312 characters), else the system's
 * Noto Sans CJK collection. Read at call time so a test or a deployment can point elsewhere.
 */
export function reportPdfFont(): { file: string; family?: string } {
  const configured = process.env.REPORT_PDF_FONT?.trim();
  if (configured) {
    const [file, family] = configured.split('#');
    if (!existsSync(file)) throw new ReportFontMissing(`REPORT_PDF_FONT 指向的 ${file} 不存在`);
    if (/\.ttc$/i.test(file) && !family) throw new ReportFontMissing(`${file} 是字体集合，须写成 ${file}#字体名`);
    return { file, family: family || undefined };
  }
  try {
    const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
    const file = path.join(path.dirname(entry), '..', 'fonts', FONT_FILE);
    if (existsSync(file)) return { file };
  } catch {
    // Not installed: try the system font below.
  }
  if (existsSync(SYSTEM_FONT.file)) return SYSTEM_FONT;
  throw new ReportFontMissing('未安装 @embedpdf/fonts-sc，也没有 fonts-noto-cjk');
}

/** A PDF in the CJK font (the font 'cjk' is current), and its bytes once `doc.end()` has been called. */
export function openPdf(options: PDFKit.PDFDocumentOptions): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const font = reportPdfFont();
  const doc = new PDFDocument(options);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font.file, font.family);
  doc.font('cjk');
  return { doc, done };
}

/**
 * The definitions of a report's figures under a title, so a printed report can be read without the page; on a
 * new page when they do not fit. Returns where the text ended.
 */
export function drawDefinitions(
  doc: PDFKit.PDFDocument,
  at: {
    title: string;
    items: readonly { label: string; formula: string }[];
    x: number;
    y: number;
    width: number;
    /** Where the text may go down to, and where it starts on a new page. */
    bottom: number;
    top: number;
    titleSize?: number;
  },
): number {
  const titleSize = at.titleSize ?? 10;
  let y = at.y;
  if (y + titleSize + 4 + at.items.length * 13 > at.bottom) {
    doc.addPage();
    y = at.top;
  }
  doc.fontSize(titleSize).fillColor('#0f172a').text(at.title, at.x, y);
  y = doc.y + 3;
  for (const item of at.items) {
    doc.fontSize(8).text(`${item.label}：${item.formula}`, at.x, y, { width: at.width });
    y = doc.y + 2;
  }
  return y;
}

/**
 * Numbers every page ("第 1 页，共 3 页") in the bottom margin and ends the document. The margin is lifted while
 * writing there, so the number adds no page.
 */
export function finishPdf(
  doc: PDFKit.PDFDocument,
  done: Promise<Buffer>,
  style: {
    margin: number;
    color: string;
    size?: number;
    align?: 'right' | 'center';
    /** The words of a page's number; a report says 第 1 页，共 3 页. */
    label?: (page: number, count: number) => string;
  },
): Promise<Buffer> {
  const label = style.label ?? ((page: number, count: number) => `第 ${page} 页，共 ${count} 页`);
  const range = doc.bufferedPageRange();
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const margins = doc.page.margins;
    doc.page.margins = { ...margins, bottom: 0 };
    doc
      .fontSize(style.size ?? 7)
      .fillColor(style.color)
      .text(label(i + 1, range.count), left, doc.page.height - style.margin, {
        width,
        align: style.align ?? 'right',
        lineBreak: false,
      });
    doc.page.margins = margins;
  }
  doc.end();
  return done;
}
