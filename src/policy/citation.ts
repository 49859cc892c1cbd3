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

/** "<document> <clause>", the citation form used in traces and refusals. */
export function cite(rule: Pick<Cited<unknown>, 'document' | 'clause'>): string {
  return `${rule.document} ${rule.clause}`;
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
