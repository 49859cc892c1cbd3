/** The records of an import file with their line numbers: JSON Lines, or CSV with a header row. */
import { isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse/sync';
import { duplicateKeyMessage, firstDuplicateKey } from '../kernel/json-duplicate-keys';

export interface SourceLine {
  line: number;
  record?: unknown;
  /** Set when the line is not a record at all (bad JSON, a key given twice, a column named twice). */
  error?: { field: string; rule: string; message: string };
}

export function readLines(bytes: Buffer, format: 'jsonl' | 'csv'): SourceLine[] {
  const notUtf8 = firstLineNotUtf8(bytes);
  if (notUtf8 !== undefined) return [{ line: notUtf8, error: NOT_UTF8 }];
  const text = bytes.toString('utf8');
  return format === 'csv' ? readCsv(text) : readJsonl(text);
}

/**
 * A file that is not UTF-8 (a GBK export from a Chinese spreadsheet, say) is refused whole:
 * read as UTF-8 its Chinese names would be stored as U+FFFD in events that cannot change,
 * and importing only its ASCII lines would leave half a file in.
 */
const NOT_UTF8 = {
  field: 'file',
  rule: 'isUtf8',
  message: 'this line is not UTF-8 (a GBK export? save the file as UTF-8); nothing of the file is imported',
};

/** The first line (from 1) holding bytes that are not UTF-8, if any. */
function firstLineNotUtf8(bytes: Buffer): number | undefined {
  if (isUtf8(bytes)) return undefined;
  let start = 0;
  for (let line = 1; ; line++) {
    const end = bytes.indexOf(0x0a, start);
    if (!isUtf8(bytes.subarray(start, end === -1 ? bytes.length : end))) return line;
    if (end === -1) return undefined;
    start = end + 1;
  }
}

function readJsonl(text: string): SourceLine[] {
  const out: SourceLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    // A key given twice is ambiguous (JSON.parse keeps the last): the line is refused, as a request body is.
    const duplicate = firstDuplicateKey(raw);
    if (duplicate) {
      out.push({ line: i + 1, error: duplicateKeyMessage(duplicate) });
      return;
    }
    try {
      out.push({ line: i + 1, record: JSON.parse(raw) });
    } catch (e) {
      out.push({ line: i + 1, error: { field: 'line', rule: 'isJson', message: (e as Error).message } });
    }
  });
  return out;
}

function readCsv(text: string): SourceLine[] {
  let twice: string | undefined;
  const rows = parse(text, {
    // A column named twice would give each row the last of its cells: the file is refused at its header.
    columns: (header: string[]) => {
      twice = header.find((name, i) => header.indexOf(name) !== i);
      return header;
    },
    skip_empty_lines: true,
    bom: true,
    trim: true,
    relax_column_count: true,
    info: true,
  }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
  if (twice !== undefined)
    return [
      { line: 1, error: { field: twice, rule: 'noDuplicateColumns', message: `${twice}: the header names this column more than once` } },
    ];
  return rows.map((r) => ({ line: r.info.lines, record: r.record }));
}

export function formatOf(file: string): 'jsonl' | 'csv' {
  return file.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
}
