/**
 * Pack keys `exclusions` (`notInCatalogue`, `costKinds`) and `consultationFeeWithContract`:
 * bill lines outside pooling, and the policy scope (政策范围内费用) that is left.
 * Typical clause: 宛政办〔2022〕42号 第十条, 第十九条（一）; 焦医保〔2024〕32号 三; 安医保〔2019〕75号 三（二）.
 */
import { InvalidInput } from '../../../kernel/errors';
import { money, ZERO, type Dec } from '../../../kernel/money';
import { cite, type Cited } from '../../citation';
import type { ExcludedCostKind } from '../../pack.types';
import type { ReasonCode } from '../../reason-codes';
import type { BillLine, RecordedContract } from '../types';
import { addReason, traceStep, type Adjudication } from './context';

export interface PolicyScope {
  total: Dec;
  excluded: Dec;
  /** Lines of cost kind 'medical' (the base of an account paying the whole medical share). */
  medicalTotal: Dec;
  policyScope: Dec;
}

const EXCLUSION_CODE: Record<ExcludedCostKind, ReasonCode> = {
  health_checkup: 'EXCLUDED_HEALTH_CHECKUP',
  work_injury: 'EXCLUDED_WORK_INJURY',
  third_party: 'EXCLUDED_THIRD_PARTY',
  public_health: 'EXCLUDED_PUBLIC_HEALTH',
  fitness_wellness: 'EXCLUDED_FITNESS_WELLNESS',
};

export function exclusions(c: Adjudication): PolicyScope {
  const { lines } = c.input.visit;
  let total = ZERO;
  let excluded = ZERO;
  let medicalTotal = ZERO;
  for (const line of lines) {
    const amount = money(line.amount);
    // isZero/isNegative, not greaterThan(0): no Decimal(0) built per line.
    if (amount.isZero() || amount.isNegative()) throw new InvalidInput(`visit.lines[${line.code}].amount`, 'must be greater than 0');
    total = total.plus(amount);
    if ((line.costKind ?? 'medical') === 'medical') medicalTotal = medicalTotal.plus(amount);
    if (lineExcluded(c, line, amount)) excluded = excluded.plus(amount);
  }
  const policyScope = total.minus(excluded);
  traceStep(
    c,
    'policyScope',
    cite(c.benefit.exclusions.notInCatalogue),
    { lines: lines.length, total: c.show(total) },
    { excluded: c.show(excluded), policyScope: c.show(policyScope) },
  );
  return { total, excluded, medicalTotal, policyScope };
}

/** Whether one line is outside pooling; records the reason and trace when it is. */
function lineExcluded(c: Adjudication, line: BillLine, amount: Dec): boolean {
  const kind = line.costKind ?? 'medical';
  const { exclusions: rules } = c.benefit;
  const feeRule = c.benefit.consultationFeeWithContract;
  let rule: Cited<true> | undefined;
  let code: ReasonCode | undefined;
  if (kind !== 'medical') {
    rule = rules.costKinds[kind];
    code = EXCLUSION_CODE[kind];
  } else if (!line.inCatalogue) {
    rule = rules.notInCatalogue;
    code = 'EXCLUDED_NOT_IN_CATALOGUE';
  } else if (line.category === 'consultation' && feeRule) {
    return consultationFeeWithContract(c, feeRule, line, amount);
  }
  // Stryker disable next-line LogicalOperator: equivalent because rule and code are always set together
  if (!rule || !code) return false;
  addReason(
    c.reasons,
    code,
    rule,
    `line ${line.code} (${c.show(amount)}) excluded: ${kind === 'medical' ? 'not in the catalogue' : kind}`,
    line.code,
  );
  traceStep(
    c,
    'exclusion',
    cite(rule),
    { amount: c.show(amount), costKind: kind, inCatalogue: line.inCatalogue, line: line.code },
    { code },
  );
  return true;
}

/**
 * Pack key `consultationFeeWithContract` (issue 16.5): no general consultation fee (一般诊疗费)
 * for a person whose family-doctor contract fee the fund pays. Typical clause: 安医保〔2019〕75号 三（二）.
 */
function consultationFeeWithContract(c: Adjudication, rule: Cited<{ paid: false }>, line: BillLine, amount: Dec): boolean {
  // Stryker disable next-line ArrayDeclaration: equivalent because a non-contract element never matches
  const contract = contractInForce(c.input.person.familyDoctorContracts ?? [], c.visitDate);
  traceStep(
    c,
    'exclusion.consultationFee',
    cite(rule),
    { amount: c.show(amount), line: line.code, visitDate: c.visitDate },
    { contractId: contract?.contractId ?? null, contractRevision: contract?.revision ?? null, excluded: contract !== undefined },
  );
  if (!contract) return false;
  addReason(
    c.reasons,
    'EXCLUDED_CONSULTATION_FEE_CONTRACTED',
    rule,
    `line ${line.code} (${c.show(amount)}): the fund pays family-doctor contract ${contract.contractId}'s fee, so not the general consultation fee`,
    line.code,
  );
  return true;
}

/** A family-doctor contract in force on the date whose fee the pooling fund pays. */
function contractInForce(contracts: RecordedContract[], date: string): RecordedContract | undefined {
  return contracts.find((k) => k.feePaidByPooling && k.from <= date && date <= k.to);
}
