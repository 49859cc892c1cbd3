/**
 * The one citation type and the one way to print it (issue 14 items 2–3). Every `clause`
 * a refusal or a trace step carries is either "<document> <clause>" of a policy document,
 * or a named rule of the ledger itself (no document gives it), or a deployment parameter
 * (a figure the documents leave to the agency). Never a bare word, never a file that is
 * not in the repository.
 */

/**
 * Where a value comes from: the document itself (default), the deployment configuration
 * (a figure the document does not give), or our reading of vague wording ("about 60%").
 */
export type CitationSource = 'document' | 'deployment' | 'reading';

export interface Cited<T> {
  value: T;
  /** Clause inside `document`, e.g. '第五条（一）', '三（三）', '附件'. */
  clause: string;
  /** Document number, e.g. '宛政办〔2022〕42号'; for deployment values the file that sets them. */
  document: string;
  source?: CitationSource;
  /** Why this reading was taken, where the text is silent or vague. */
  note?: string;
}

/**
 * Each rule's citation, printed once: an adjudication cites a dozen pack rules, and one
 * shared string is cheaper to compare (replay checks every trace) than a fresh
 * concatenation each time. Checked against the rule's fields, so a changed rule prints anew.
 */
const printed = new WeakMap<object, { document: string; clause: string; text: string }>();

/** "<document> <clause>", the citation form used in traces and refusals. */
export function cite(rule: Pick<Cited<unknown>, 'document' | 'clause'>): string {
  const known = printed.get(rule);
  if (known !== undefined && known.document === rule.document && known.clause === rule.clause) return known.text;
  const text = `${rule.document} ${rule.clause}`;
  printed.set(rule, { document: rule.document, clause: rule.clause, text });
  return text;
}

/** Prefix of every citation of a rule the ledger sets itself; `check:citations` skips these. */
export const LEDGER_RULE = 'ledger rule';

/**
 * A rule no policy document gives (e.g. a settlement id is used once), under a stable
 * kebab-case name: "ledger rule duplicate-settlement".
 */
export function ledgerRule(name: string): string {
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name)) throw new Error(`ledger rule name must be kebab-case: ${name}`);
  return `${LEDGER_RULE} ${name}`;
}

/** The file deployment parameters are cited to (`source: 'deployment'`). */
export const DEPLOYMENT_DOCUMENT = 'config/deployment-policy.json';

/** A document number: 宛政办〔2022〕42号, 人社部发〔2011〕59号, … */
export const DOCUMENT_NUMBER = /^\S+〔\d{4}〕\d+号$/;
/** A clause inside a document: 第五条（二）, 三（三）, 四（一）3（1）, 附件, possibly several ("第十条, 第十九条（一）"). */
const CLAUSE = /^(第[一二三四五六七八九十百]+条|[一二三四五六七八九十]+(（|$|,)|附件)/;
const LEDGER_RULE_FORM = /^ledger rule [a-z0-9]+(?:-[a-z0-9]+)*$/;
const DEPLOYMENT_FORM = /^config\/deployment-policy\.json packs\.[a-z0-9-]+\.[A-Za-z0-9]+$/;

/**
 * Why `text` is not a citation, or undefined when it is one. Each "; "-separated part must
 * be "<document number> <clause>", a ledger rule ("ledger rule <kebab-name>"), or a
 * deployment parameter ("config/deployment-policy.json packs.<pack>.<name>"). A bare word
 * ("enrollment"), a file outside the repository ("DOMAIN.md §2") or an interface name is not.
 */
export function citationProblem(text: string): string | undefined {
  const bad = text.split('; ').filter((part) => !isOneCitation(part));
  return bad.length
    ? `not "<document> <clause>", a ledger rule or a deployment parameter: ${bad.map((b) => JSON.stringify(b)).join(', ')}`
    : undefined;
}

function isOneCitation(part: string): boolean {
  if (LEDGER_RULE_FORM.test(part) || DEPLOYMENT_FORM.test(part)) return true;
  const space = part.indexOf(' ');
  return space > 0 && DOCUMENT_NUMBER.test(part.slice(0, space)) && CLAUSE.test(part.slice(space + 1));
}
