/**
 * Stable reason codes of institution-side refusals, in a file of their own so the month
 * correction (month-correction.ts) and the decider that calls it do not import each other.
 */
import { CAPITATION_REASONS } from './capitation';

export const INSTITUTION_REASONS = {
  alreadyRegistered: 'INSTITUTION_ALREADY_REGISTERED',
  notJiaozuo: 'NOT_UNDER_JIAOZUO_EMPLOYEE_SETTLEMENT',
  notAnyang: 'NOT_UNDER_ANYANG_RESIDENT_CAPITATION',
  beforeEffective: 'MONTH_BEFORE_CONDITIONAL_FFS',
  monthAlreadyDeclared: 'MONTH_ALREADY_DECLARED',
  monthNotDeclared: 'MONTH_NOT_DECLARED',
  monthAlreadyApproved: 'MONTH_ALREADY_APPROVED',
  monthNotApproved: 'MONTH_NOT_APPROVED',
  approvedOverDeclared: 'APPROVED_EXCEEDS_DECLARED_FUND_DUE',
  advanceAlreadyPaid: 'ADVANCE_ALREADY_PAID',
  advanceNotPaid: 'ADVANCE_NOT_PAID',
  yearSettled: 'PERIOD_ALREADY_SETTLED',
  yearNotSettled: 'PERIOD_NOT_SETTLED',
  costBaseNotSet: 'COST_BASE_NOT_SET',
  noCapForYear: 'NO_GROWTH_CAP_PUBLISHED_FOR_YEAR',
  noOverspend: 'NO_OVERSPEND_TO_REVIEW',
  alreadyReviewed: 'OVERSPEND_ALREADY_REVIEWED',
  alreadyAssessed: 'YEAR_ALREADY_ASSESSED',
  notAssessed: 'YEAR_NOT_ASSESSED',
  finalAlreadyMade: 'FINAL_PAYMENT_ALREADY_MADE',
  personsNotAssigned: 'PERSONS_NOT_ASSIGNED',
  budgetBelowPaid: 'BUDGET_BELOW_AMOUNT_PAID',
  capitationMonthSettled: 'CAPITATION_MONTH_ALREADY_SETTLED',
  ...CAPITATION_REASONS,
} as const;
