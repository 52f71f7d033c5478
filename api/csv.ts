/**
 * CSV for spreadsheets (RFC 4180): UTF-8 with a byte-order mark, without which Excel reads
 * the file in the machine's ANSI code page and Chinese text turns to mojibake; CRLF line
 * ends; a field is quoted when it holds a comma, quote, CR or LF (quotes doubled). Text
 * that starts with = + - @ or a tab is prefixed with ' so a spreadsheet shows it instead
 * of evaluating it as a formula (numbers are left alone).
 */
export type TCell = string | number | boolean | null | undefined;

export interface TCsvSection {
  /** A title line before the table, for files with more than one table. */
  title?: string;
  columns: string[];
  rows: TCell[][];
}

const BOM = '\uFEFF';

export function csvCell(v: TCell): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The sections one after another, a blank line between them. */
export function toCsv(sections: TCsvSection[]): string {
  const blocks = sections.map((sec) => {
    const lines = [...(sec.title ? [csvCell(sec.title)] : []), sec.columns.map(csvCell).join(','), ...sec.rows.map((r) => r.map(csvCell).join(','))];
    return lines.join('\r\n');
  });
  return BOM + blocks.join('\r\n\r\n') + '\r\n';
}

/** A section from objects, in the order of `columns` (their keys). */
export function objectsSection<T extends object>(rows: T[], columns: (keyof T & string)[], title?: string): TCsvSection {
  return { ...(title ? { title } : {}), columns, rows: rows.map((r) => columns.map((c) => r[c] as TCell)) };
}
