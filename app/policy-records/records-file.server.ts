import ExcelJS from 'exceljs';
import { problem, type Problem } from '../domain/problem';
import { InvalidInput } from '../domain/errors';
import { MAX_RECORD_ROWS, RECORD_COLUMNS, isBlankRow, type Cell, type RawRow } from './rows';

// The records file as Excel (.xlsx, written and read with exceljs): the template a lead department fills in, and
// the reading of a filled-in file into rows of plain cells for the checks in rows.ts.

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const MAX_RECORDS_FILE_BYTES = 5 * 1024 * 1024;
export const RECORDS_SHEET = '落实记录';

/** One line of a refusal: a row of the sheet (0 for the file as a whole) and everything wrong with it. */
export interface RowProblems {
  row: number;
  problems: Problem[];
}

export const rowLabel = (row: number): Problem => (row === 0 ? problem('文件') : problem('第 {{n}} 行', { n: row }));
const lineOf = (r: RowProblems) => `${rowLabel(r.row).message}：${r.problems.map((p) => p.message).join('；')}`;

/** A refused records file: nothing of it is stored, and every bad row is named with its reasons. */
export class RecordsFileRefused extends InvalidInput {
  constructor(readonly rows: RowProblems[]) {
    super(rows.length === 1 && rows[0].row === 0 ? lineOf(rows[0]) : `文件有 ${rows.length} 行不符合要求，未导入`, {
      file: rows.map(lineOf),
    });
  }
}

const fileRefused = (p: Problem) => new RecordsFileRefused([{ row: 0, problems: [p] }]);

export interface TemplatePolicy {
  number: string;
  title: string;
}

/** The template: the header row and one example row, the policies the department may report, and how to fill it. */
export async function recordsTemplate(policies: TemplatePolicy[], example: Cell[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '12345 热线';
  wb.created = new Date();
  const sheet = wb.addWorksheet(RECORDS_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  const header = sheet.addRow([...RECORD_COLUMNS]);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  header.height = 32;
  sheet.addRow(example);
  const widths = [12, 14, 24, 24, 16, 14, 14, 18];
  widths.forEach((w, i) => (sheet.getColumn(i + 1).width = w));
  // The ID number, credit code and phone as text: a number cell keeps only 15 digits.
  for (const col of [1, 4, 5]) sheet.getColumn(col).numFmt = '@';
  sheet.getColumn(6).numFmt = '0.00';
  sheet.getColumn(7).numFmt = 'yyyy-mm-dd';
  for (let r = 2; r <= 1000; r++) {
    sheet.getCell(r, 2).dataValidation = { type: 'list', allowBlank: false, formulae: ['"个人,企业"'] };
    sheet.getCell(r, 8).dataValidation = { type: 'list', allowBlank: false, formulae: ['"免申即享,依申请"'] };
  }

  const list = wb.addWorksheet('可上报政策');
  list.addRow(['政策编号', '政策名称']).font = { bold: true };
  for (const p of policies) list.addRow([p.number, p.title]);
  list.getColumn(1).width = 12;
  list.getColumn(2).width = 50;

  const help = wb.addWorksheet('填写说明');
  help.getColumn(1).width = 100;
  for (const line of [
    '1. 在“落实记录”表中每行填写一名享受对象的一笔发放；第 2 行为示例，上报前请替换或删除。',
    '2. 政策编号见“可上报政策”表，只能上报本单位牵头的已发布政策。',
    '3. 对象类型填“个人”或“企业”；个人填 18 位身份证号，企业填 18 位统一社会信用代码（均以文本格式填写）。',
    '4. 发放金额以元为单位，大于 0，最多两位小数；发放日期须在上报期间内，格式如 2026-11-05。',
    '5. 同一政策、同一期间、同一对象只能上报一次。',
    `6. 整个文件逐行校验，有任何一行不符合要求则整个文件不导入，并列出每一行的问题；每个文件最多 ${MAX_RECORD_ROWS} 行。`,
  ])
    help.addRow([line]);

  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A cell as exceljs holds it, as plain text, number, boolean or day. */
function plain(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date)
    return value;
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('result' in value) return plain((value.result ?? null) as ExcelJS.CellValue);
  if ('text' in value && typeof value.text === 'string') return value.text;
  if ('error' in value) return String(value.error);
  return null;
}

/** The rows of a filled-in template, header checked, blank rows left out; a file that is none is refused. */
export async function readRecordsFile(bytes: Uint8Array): Promise<RawRow[]> {
  if (bytes.byteLength === 0) throw fileRefused(problem('文件是空的'));
  if (bytes.byteLength > MAX_RECORDS_FILE_BYTES) throw fileRefused(problem('文件超过 5 MB'));
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    throw fileRefused(problem('不是有效的 Excel 文件（.xlsx），请使用下载的模板'));
  }
  const sheet = wb.getWorksheet(RECORDS_SHEET) ?? wb.worksheets[0];
  if (!sheet) throw fileRefused(problem('文件中没有工作表'));
  const headerCells = RECORD_COLUMNS.map((_, i) => plain(sheet.getRow(1).getCell(i + 1).value));
  const header = headerCells.map((c) => (c === null ? '' : String(c).normalize('NFKC').trim()));
  const expected = RECORD_COLUMNS.map((c) => c.normalize('NFKC'));
  if (header.some((h, i) => h !== expected[i])) throw fileRefused(problem('表头与模板不一致，请下载模板后按模板填写'));
  const rows: RawRow[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells = RECORD_COLUMNS.map((_, i) => plain(row.getCell(i + 1).value));
    if (isBlankRow(cells)) continue;
    rows.push({ row: r, cells });
    if (rows.length > MAX_RECORD_ROWS)
      throw fileRefused(problem('文件超过 {{n}} 行，请分成几个文件上报', { n: MAX_RECORD_ROWS }));
  }
  if (rows.length === 0) throw fileRefused(problem('文件中没有记录'));
  return rows;
}

/** A filled-in records sheet from rows of cells in the template's columns (the demo's reports are written so). */
export async function recordsWorkbook(rows: Cell[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet(RECORDS_SHEET);
  sheet.addRow([...RECORD_COLUMNS]);
  for (const col of [1, 4, 5]) sheet.getColumn(col).numFmt = '@';
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
