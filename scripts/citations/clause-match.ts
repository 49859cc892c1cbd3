/**
 * Finds a clause such as '第五条（一）', '三（三）', '四（一）3（1）' or '附件' in a seed text.
 *
 * The rule, kept deliberately strict:
 * 1. Normalise: ASCII parentheses → full-width, drop markdown '#'/'*', remove whitespace
 *    inside lines (the seeds wrap and space Chinese text arbitrarily); line breaks stay.
 * 2. The head must start a line: '第五条' (article), '三、' (section), or '附件'. Its scope runs
 *    to the next line starting a head of the same kind (next article / next section), or the end.
 * 3. Each further marker — '（一）' or a bare number '3' written '3.' / '3、' in the text — must
 *    occur inside the scope of the previous part, after it; its own scope ends at its next
 *    sibling ('（二）' after '（一）', '4.' after '3.') or at the parent's end.
 * The scope of the last part is returned, so a test can also look for the cited figures in it.
 */
const NUMERALS = [
  '一',
  '二',
  '三',
  '四',
  '五',
  '六',
  '七',
  '八',
  '九',
  '十',
  '十一',
  '十二',
  '十三',
  '十四',
  '十五',
  '十六',
  '十七',
  '十八',
  '十九',
  '二十',
  '二十一',
  '二十二',
  '二十三',
  '二十四',
  '二十五',
];

export function normaliseSeed(text: string): string {
  return text
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .replace(/[#*]/g, '')
    .split('\n')
    .map((l) => l.replace(/[\s\u3000]+/g, ''))
    .join('\n');
}

export interface ClauseMatch {
  found: boolean;
  /** Why not, when not found. */
  problem?: string;
  /** The text of the innermost part's scope. */
  scope?: string;
}

const nextNumeral = (n: string): string | undefined => {
  const i = NUMERALS.indexOf(n);
  return i >= 0 ? NUMERALS[i + 1] : undefined;
};

export function parseClause(clause: string): { head: string; kind: 'article' | 'section' | 'attachment'; parts: string[] } | undefined {
  const c = clause.replace(/\(/g, '（').replace(/\)/g, '）');
  const m = /^(第[一二三四五六七八九十百]+条|[一二三四五六七八九十]+|附件)((?:（[^）]+）|\d+)*)$/.exec(c);
  if (!m) return undefined;
  const parts = m[2].match(/（[^）]+）|\d+/g) ?? [];
  const kind = m[1] === '附件' ? 'attachment' : m[1].startsWith('第') ? 'article' : 'section';
  return { head: m[1], kind, parts };
}

export function findClause(seedText: string, clause: string): ClauseMatch {
  const parsed = parseClause(clause);
  if (!parsed) return { found: false, problem: `cannot parse clause '${clause}'` };
  const text = normaliseSeed(seedText);
  const lines = text.split('\n');
  const offsets: number[] = [];
  let pos = 0;
  for (const l of lines) {
    offsets.push(pos);
    pos += l.length + 1;
  }
  const headLine = lines.findIndex((l) => (parsed.kind === 'section' ? l.startsWith(`${parsed.head}、`) : l.startsWith(parsed.head)));
  if (headLine < 0) return { found: false, problem: `no line starts with '${parsed.head}'` };
  const sameKind =
    parsed.kind === 'article' ? /^第[一二三四五六七八九十百]+条/ : parsed.kind === 'section' ? /^[一二三四五六七八九十]+、/ : /(?!)/;
  let endLine = lines.length;
  for (let i = headLine + 1; i < lines.length; i++) {
    if (sameKind.test(lines[i])) {
      endLine = i;
      break;
    }
  }
  let start = offsets[headLine];
  let end = endLine < lines.length ? offsets[endLine] : text.length;
  for (const part of parsed.parts) {
    const bracketed = part.startsWith('（');
    const inner = bracketed ? part.slice(1, -1) : part;
    const markers = bracketed ? [part] : [`${part}.`, `${part}、`, `${part}．`];
    const scope = text.slice(start, end);
    const hits = markers.map((m) => scope.indexOf(m)).filter((i) => i >= 0);
    if (hits.length === 0) return { found: false, problem: `marker '${part}' not found inside the scope of the preceding part` };
    const at = start + Math.min(...hits);
    const nextInner = /^\d+$/.test(inner) ? String(Number(inner) + 1) : nextNumeral(inner);
    let nextAt = -1;
    if (nextInner !== undefined) {
      const siblings = bracketed ? [`（${nextInner}）`] : [`${nextInner}.`, `${nextInner}、`, `${nextInner}．`];
      const after = text.slice(at + 1, end);
      const found = siblings.map((m) => after.indexOf(m)).filter((i) => i >= 0);
      if (found.length > 0) nextAt = at + 1 + Math.min(...found);
    }
    start = at;
    if (nextAt >= 0) end = nextAt;
  }
  return { found: true, scope: text.slice(start, end) };
}

/** A figure appears in a scope as the number itself ('1500', '24') or as a percentage ('0.55' → '55%'). */
export function figureInScope(scope: string, figure: string, toPercent: (f: string) => string): boolean {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\d.])(${esc(toPercent(figure))}|${esc(figure)}(?![\\d%]))`).test(scope);
}
