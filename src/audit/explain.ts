/**
 * Explain (DOMAIN.md §5): one settlement's decision trace, step by step, each step with
 * the document and clause it applies — as JSON, or as text for a dispute letter (the
 * clause in Chinese as the document writes it, the rule in English). Pure.
 */
import type { SettlementReversed, VisitSettled } from '../modules/claims/claims.events';
import type { Money3, SettlementAdjusted } from '../corrections/correction.events';
import type { Decision, TraceEntry } from '../policy/engine/types';
import { LEDGER_RULE } from '../policy/citation';

export interface Citation {
  /** Document number, e.g. '宛政办〔2022〕42号'. */
  document: string;
  /** Clause inside it, e.g. '第五条（一）'. */
  clause: string;
}

export interface ExplainedStep {
  n: number;
  step: string;
  /** What the rule does, in English. */
  rule: string;
  citations: Citation[];
  inputs: TraceEntry['inputs'];
  result: TraceEntry['result'];
  note?: string;
}

export interface Explanation {
  personId: string;
  settlementId: string;
  visitId: string;
  visitDate: string;
  institution: { code: string; level: string; region: string };
  policy: { packId: string; version: string };
  category: string;
  eligible: boolean;
  amounts: VisitSettled['data']['decision']['amounts'];
  steps: ExplainedStep[];
  reasons: Array<{ code: string; message: string; citations: Citation[] }>;
  flags: Array<{ code: string; message: string; citations: Citation[] }>;
  reversal?: SettlementReversed['data'];
  position: number;
  /** Issue 15: corrections of this settlement in log order, each with its whole decision and why it differs. */
  adjustments: ExplainedAdjustment[];
  /** Fund, account and cash in force now: the last adjustment's, or the settled ones. */
  net: Money3;
}

/** One step of a decision as `explain` shows it, before or after a correction. */
export interface StepFigures {
  inputs: TraceEntry['inputs'];
  result: TraceEntry['result'];
}

export interface ExplainedAdjustment {
  n: number;
  correctionId: string;
  disputeId?: string;
  adjustedAt: string;
  position: number;
  policyVersion: string;
  /** The corrected policy parameter, when the correction was to the pack. */
  policyOverride?: SettlementAdjusted['data']['policyOverride'];
  previous: Money3;
  adjusted: Money3;
  delta: Money3;
  /** Why the decisions differ: the first step where they part, its clause and rule, and its figures before and after. */
  divergence: {
    step: string;
    clause: string;
    citations: Citation[];
    rule: string;
    before: StepFigures | null;
    after: StepFigures | null;
    why: string;
  };
  decision: { category: string; eligible: boolean; amounts: Decision['amounts']; steps: ExplainedStep[]; reasons: Explanation['reasons'] };
}

/** What each engine step does, in English (the trace gives the figures and the clause). */
export const RULES: Record<string, string> = {
  category:
    "The person's category (in-service, retired, resident, student) on the visit date; a retirement takes effect from the 1st of the month after it is processed.",
  'eligibility.enrolment': 'The person must be enrolled in the scheme on the visit date.',
  'eligibility.inpatient': 'No outpatient pooling on a day the person is an inpatient.',
  'eligibility.designation': 'The institution must be designated for the scheme.',
  'eligibility.pharmacy': 'Retail-pharmacy purchases are pooled only where the policy says so.',
  'eligibility.medType': 'The visit type must be one the policy pools.',
  'eligibility.level': "The institution's level must be one the policy covers.",
  'eligibility.countyDesignation': 'A county-level institution is covered only where the county designates it.',
  'eligibility.referral': 'A non-primary institution is covered only with a referral from a primary institution.',
  'eligibility.offSite': 'Off-site care is paid only for registered off-site residents settling directly through the system.',
  'eligibility.offSiteRegistration': 'Off-site care needs an off-site residence registration in force on the visit date.',
  'eligibility.offSiteDirect': 'Off-site care not settled directly through the insurance system is not paid by the fund.',
  'eligibility.settlementWindow': 'A visit must be settled within the days the policy allows.',
  'eligibility.tier':
    "The level the fund pays the institution at: its registry category's tier where the policy maps categories to tiers, else its grade level.",
  exclusion:
    'Items outside the catalogue, and costs owed by others (work injury, third party, public health, check-ups), are never pooled.',
  'exclusion.consultationFee':
    'No general consultation fee is pooled for a person whose family-doctor contract fee the fund pays; the contract in force on the visit date is named.',
  policyScope: 'Policy-scope cost = total − excluded items.',
  deductible:
    'The deductible: per visit by institution level (once per 24 hours at one institution), annual and cumulative, or a fixed copay, as the policy sets it.',
  rate: 'The reimbursement rate by institution level and the category in force on the visit date.',
  fund: 'Fund payment = (policy-scope cost − deductible) × rate, rounded to the fen, limited to what is left of the annual cap (earlier payments this year counted).',
  account:
    "The personal account (own, or a spouse's, parent's or child's) pays what it may of the person's share, up to its balance; cash pays the rest.",
  prescriptionDays: 'Prescriptions over the day limit are flagged (the money is not changed).',
  national: 'The national settlement interface fields (2207), kept to its identities.',
};

function ruleOf(step: string): string {
  return RULES[step] ?? RULES[step.split('.')[0]] ?? step;
}

/** Splits '宛政办〔2022〕42号 第五条（一）; 人社部发〔2011〕59号 二' into document and clause pairs. */
export function parseCitations(text: string): Citation[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      // "ledger rule <name>": the ledger's own rule (src/policy/citation.ts), named, no document.
      if (s.startsWith(`${LEDGER_RULE} `)) return { document: LEDGER_RULE, clause: s.slice(LEDGER_RULE.length + 1) };
      const space = s.indexOf(' ');
      return space < 0 ? { document: s, clause: '' } : { document: s.slice(0, space), clause: s.slice(space + 1) };
    });
}

/** A recorded SettlementAdjusted with its log position. */
export interface RecordedAdjustment {
  data: SettlementAdjusted['data'];
  position: number;
}

export function explainSettlement(
  personId: string,
  settled: VisitSettled['data'],
  position: number,
  reversal?: SettlementReversed['data'],
  adjustments: ReadonlyArray<RecordedAdjustment> = [],
): Explanation {
  const d = settled.decision;
  const explained = explainAdjustments(d, adjustments);
  const inForce = adjustments.length ? adjustments[adjustments.length - 1].data.decision : d;
  return {
    personId,
    settlementId: settled.settlementId,
    visitId: settled.visit.visitId,
    visitDate: d.visitDate,
    institution: { code: settled.institution.code, level: settled.institution.level, region: settled.institution.region },
    policy: { packId: d.policy.packId, version: d.policy.version },
    category: d.category,
    eligible: d.eligible,
    amounts: d.amounts,
    steps: explainSteps(d.trace),
    reasons: explainReasons(d.reasons),
    flags: explainReasons(d.flags),
    ...(reversal ? { reversal } : {}),
    position,
    adjustments: explained,
    net: { fund: inForce.amounts.fund, account: inForce.amounts.account, cash: inForce.amounts.cash },
  };
}

function explainSteps(trace: TraceEntry[]): ExplainedStep[] {
  return trace.map((t, i) => ({
    n: i + 1,
    step: t.step,
    rule: ruleOf(t.step),
    citations: parseCitations(t.clause),
    inputs: t.inputs,
    result: t.result,
    ...(t.note ? { note: t.note } : {}),
  }));
}

const explainReasons = (reasons: Decision['reasons']): Explanation['reasons'] =>
  reasons.map((r) => ({ code: r.code, message: r.message, citations: parseCitations(r.clause) }));

/** Each adjustment against the decision in force before it (the settled one, then each adjusted one in turn). */
function explainAdjustments(settled: Decision, adjustments: ReadonlyArray<RecordedAdjustment>): ExplainedAdjustment[] {
  let before = settled;
  return adjustments.map(({ data, position }, i) => {
    const explained: ExplainedAdjustment = {
      n: i + 1,
      correctionId: data.correctionId,
      ...(data.disputeId !== undefined ? { disputeId: data.disputeId } : {}),
      adjustedAt: data.adjustedAt,
      position,
      policyVersion: data.policyVersion,
      ...(data.policyOverride ? { policyOverride: data.policyOverride } : {}),
      previous: data.previous,
      adjusted: data.adjusted,
      delta: data.delta,
      divergence: explainDivergence(before, data),
      decision: {
        category: data.decision.category,
        eligible: data.decision.eligible,
        amounts: data.decision.amounts,
        steps: explainSteps(data.decision.trace),
        reasons: explainReasons(data.decision.reasons),
      },
    };
    before = data.decision;
    return explained;
  });
}

function explainDivergence(before: Decision, data: SettlementAdjusted['data']): ExplainedAdjustment['divergence'] {
  const { step, clause } = data.divergence;
  const figures = (t: TraceEntry | undefined): StepFigures | null => (t ? { inputs: t.inputs, result: t.result } : null);
  const was = figures(before.trace.find((t) => t.step === step));
  const now = figures(data.decision.trace.find((t) => t.step === step));
  const why = `${step} (${clause}): ${was ? kv(was.result) : '—'} → ${now ? kv(now.result) : '—'}`;
  return { step, clause, citations: parseCitations(clause), rule: ruleOf(step), before: was, after: now, why };
}

const kv = (o: Record<string, unknown>): string =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${v === null ? '—' : String(v)}`)
    .join(', ');

const cites = (cs: Citation[]): string => cs.map((c) => `${c.document}${c.clause ? ` ${c.clause}` : ''}`).join('；');

/** The explanation as plain text: one numbered step per line group, clause first (Chinese), then the rule (English). */
export function explanationText(e: Explanation): string {
  const a = e.amounts;
  const lines: string[] = [
    `Settlement ${e.settlementId} — person ${e.personId}, visit ${e.visitId} on ${e.visitDate}`,
    `Institution ${e.institution.code} (${e.institution.level}, ${e.institution.region}); category ${e.category}; ${e.eligible ? 'eligible' : 'NOT eligible'}`,
    `Policy pack ${e.policy.packId} (${e.policy.version})`,
    '',
  ];
  for (const s of e.steps) {
    lines.push(`${s.n}. ${s.step}`);
    lines.push(`   依据 Clause: ${cites(s.citations) || '—'}`);
    lines.push(`   Rule: ${s.rule}`);
    if (Object.keys(s.inputs).length) lines.push(`   Inputs: ${kv(s.inputs)}`);
    lines.push(`   Result: ${kv(s.result)}`);
    if (s.note) lines.push(`   Note: ${s.note}`);
  }
  lines.push('');
  lines.push(
    `Total ${a.total} = fund ${a.fund} + own account ${a.account} + relative's account ${a.relativeAccount} + cash ${a.cash}` +
      ` (policy scope ${a.policyScope}, deductible ${a.deductible}, rate ${a.rate}, cap ${a.capAnnual}, cap left before ${a.capRemainingBefore})`,
  );
  for (const r of e.reasons) lines.push(`Reason ${r.code}: ${r.message} — ${cites(r.citations)}`);
  for (const f of e.flags) lines.push(`Flag ${f.code}: ${f.message} — ${cites(f.citations)}`);
  if (e.reversal) lines.push(`Reversed at ${e.reversal.reversedAt}: ${e.reversal.reason} — ${e.reversal.clause}`);
  for (const a of e.adjustments) lines.push(...adjustmentText(a));
  if (e.adjustments.length) lines.push(`In force now: fund ${e.net.fund}, account ${e.net.account}, cash ${e.net.cash}`);
  return lines.join('\n') + '\n';
}

const money3Text = (m: Money3): string => `fund ${m.fund}, account ${m.account}, cash ${m.cash}`;

function adjustmentText(a: ExplainedAdjustment): string[] {
  return [
    '',
    `Correction ${a.n}: ${a.correctionId}${a.disputeId ? ` (dispute ${a.disputeId})` : ''} at ${a.adjustedAt}, policy ${a.policyVersion}`,
    `   Was: ${money3Text(a.previous)}`,
    `   Now: ${money3Text(a.adjusted)} (delta ${money3Text(a.delta)})`,
    `   Why: ${a.divergence.why}`,
    `   依据 Clause: ${cites(a.divergence.citations) || '—'}`,
    `   Rule: ${a.divergence.rule}`,
  ];
}
