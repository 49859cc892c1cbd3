/** The records of an import file with their line numbers: JSON Lines, or CSV with a header row. */
import { parse } from 'csv-parse/sync';

export interface SourceLine {
  line: number;
  record?: unknown;
  /** Set when the line is not a record at all (bad JSON). */
  error?: { field: string; rule: string; message: string };
}

export function readLines(text: string, format: 'jsonl' | 'csv'): SourceLine[] {
  return format === 'csv' ? readCsv(text) : readJsonl(text);
}

function readJsonl(text: string): SourceLine[] {
  const out: SourceLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      out.push({ line: i + 1, record: JSON.parse(raw) });
    } catch (e) {
      out.push({ line: i + 1, error: { field: 'line', rule: 'isJson', message: (e as Error).message } });
    }
  });
  return out;
}

function readCsv(text: string): SourceLine[] {
  const rows = parse(text, {
    columns: true,
    skip_empty_lines: true,
    bom: true,
    trim: true,
    relax_column_count: true,
    info: true,
  }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
  return rows.map((r) => ({ line: r.info.lines, record: r.record }));
}

export function formatOf(file: string): 'jsonl' | 'csv' {
  return file.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
}
