/**
 * The README's fenced `sh` blocks in document order, each with the heading it sits under and
 * its skip marker. A block that cannot run in the README test is marked right above it:
 * `<!-- readme-test: skip — why -->`.
 */
export interface ReadmeBlock {
  /** `<heading> #<n>`: the nearest heading above and the block's ordinal under it (1-based). */
  name: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The marker's reason; `''` for a marker that gives none. */
  skip?: string;
}

const FENCE_SH = /^```sh\s*$/;
const FENCE_END = /^```\s*$/;
const HEADING = /^#{1,6}\s+(.*?)\s*$/;
const SKIP = /^<!--\s*readme-test:\s*skip\b\s*(?:[—:-]\s*)?(.*?)\s*-->\s*$/;
/** A marker is a line of its own; one quoted inside prose (in backticks) is prose. */
const MARKER = /^\s*<!--\s*readme-test:/;

export function readmeBlocks(readme: string): ReadmeBlock[] {
  const lines = readme.split('\n');
  const blocks: ReadmeBlock[] = [];
  const perHeading = new Map<string, number>();
  let heading = '(top)';
  let pendingSkip: { reason: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (text.startsWith('```') && !FENCE_SH.test(text)) {
      if (pendingSkip) throw new Error(`README line ${pendingSkip.line}: a readme-test marker must stand right above a \`\`\`sh block`);
      i = closingFence(lines, i);
      continue;
    }
    const h = HEADING.exec(text);
    if (h) heading = h[1];
    if (MARKER.test(text)) {
      const m = SKIP.exec(text);
      if (!m) throw new Error(`README line ${i + 1}: unknown readme-test marker ${text}`);
      pendingSkip = { reason: m[1], line: i + 1 };
      continue;
    }
    if (!FENCE_SH.test(text)) {
      if (pendingSkip && text.trim() !== '')
        throw new Error(`README line ${pendingSkip.line}: a readme-test marker must stand right above a \`\`\`sh block`);
      continue;
    }
    const end = closingFence(lines, i);
    const n = (perHeading.get(heading) ?? 0) + 1;
    perHeading.set(heading, n);
    blocks.push({
      name: `${heading} #${n}`,
      line: i + 1,
      code: lines.slice(i + 1, end).join('\n'),
      ...(pendingSkip ? { skip: pendingSkip.reason } : {}),
    });
    pendingSkip = undefined;
    i = end;
  }
  return blocks;
}

function closingFence(lines: string[], open: number): number {
  for (let j = open + 1; j < lines.length; j++) if (FENCE_END.test(lines[j])) return j;
  throw new Error(`README line ${open + 1}: unclosed code fence`);
}
