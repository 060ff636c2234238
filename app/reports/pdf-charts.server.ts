// The report charts drawn into a PDF with pdfkit's vector operations, from the same geometry the
// page draws as SVG (./charts.ts): the same lines, bars, ticks and labels, in points instead of pixels.
import type { RankingGeometry, TrendGeometry } from './charts';

const AXIS = '#94a3b8';
const GRID = '#e2e8f0';
const TEXT = '#334155';

/** Text whose baseline sits at y (SVG places text by baseline, pdfkit by the top of the line). */
function textAt(
  doc: PDFKit.PDFDocument,
  text: string,
  x: number,
  y: number,
  size: number,
  align: 'left' | 'center' | 'right' = 'left',
  width = 120,
) {
  const left = align === 'left' ? x : align === 'center' ? x - width / 2 : x - width;
  doc
    .fontSize(size)
    .fillColor(TEXT)
    .text(text, left, y - size * 0.9, { width, align, lineBreak: false });
}

function gridLine(doc: PDFKit.PDFDocument, x1: number, y1: number, x2: number, y2: number) {
  doc.save().moveTo(x1, y1).lineTo(x2, y2).lineWidth(0.5).dash(2, { space: 2 }).strokeColor(GRID).stroke().restore();
}

/** The daily trend at (x, y), with its title above. */
export function drawTrend(doc: PDFKit.PDFDocument, g: TrendGeometry, x: number, y: number, title: string): void {
  doc.save().translate(x, y);
  textAt(doc, title, 0, 0, 9, 'left', g.width);
  doc.translate(0, 6);
  for (const l of g.legend) {
    doc
      .save()
      .moveTo(l.x, 12)
      .lineTo(l.x + 14, 12)
      .lineWidth(1.5)
      .strokeColor(l.color)
      .stroke()
      .restore();
    textAt(doc, l.name, l.x + 18, 15, 7);
  }
  for (const tk of g.yTicks) {
    gridLine(doc, g.plot.left, tk.at, g.plot.right, tk.at);
    textAt(doc, tk.text, g.plot.left - 4, tk.at + 2.5, 6.5, 'right', 40);
  }
  doc
    .save()
    .moveTo(g.plot.left, g.plot.bottom)
    .lineTo(g.plot.right, g.plot.bottom)
    .lineWidth(0.5)
    .strokeColor(AXIS)
    .stroke()
    .restore();
  for (const tk of g.xTicks) textAt(doc, tk.text, tk.at, g.plot.bottom + 10, 6.5, 'center', 40);
  for (const l of g.lines) {
    if (!l.points.length) continue;
    doc.save().lineWidth(1.5).strokeColor(l.color).lineJoin('round');
    const [[x0, y0], ...rest] = l.points;
    doc.moveTo(x0, y0);
    for (const [px, py] of rest) doc.lineTo(px, py);
    doc.stroke().restore();
    if (g.dots) for (const [px, py] of l.points) doc.save().circle(px, py, 1.8).fill(l.color).restore();
  }
  doc.restore();
}

/** The ranking bars at (x, y), with their title above. */
export function drawRanking(doc: PDFKit.PDFDocument, g: RankingGeometry, x: number, y: number, title: string): void {
  doc.save().translate(x, y);
  textAt(doc, title, 0, 0, 9, 'left', g.width);
  doc.translate(0, 8);
  for (const tk of g.xTicks) {
    gridLine(doc, tk.at, g.plot.top, tk.at, g.plot.bottom);
    textAt(doc, tk.text, tk.at, g.plot.bottom + 9, 6.5, 'center', 40);
  }
  for (const b of g.bars) {
    const label = b.label.length > 12 ? `${b.label.slice(0, 11)}…` : b.label;
    textAt(doc, label, g.plot.left - 4, b.labelY + 2.5, 6.5, 'right', g.plot.left - 4);
    if (b.w > 0) doc.save().rect(b.x, b.y, b.w, b.h).fill('#b91c1c').restore();
    textAt(doc, b.text, b.x + b.w + 3, b.labelY + 2.5, 6.5);
  }
  doc
    .save()
    .moveTo(g.plot.left, g.plot.top)
    .lineTo(g.plot.left, g.plot.bottom)
    .lineWidth(0.5)
    .strokeColor(AXIS)
    .stroke()
    .restore();
  if (!g.bars.length) textAt(doc, '本期没有可排名的数据', g.plot.left, g.plot.top + 20, 8);
  doc.restore();
}
