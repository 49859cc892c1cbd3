/**
 * Pack key `prescriptionDays`: days of medication per visit type. A flag only: the money is
 * unchanged. Typical clause: 焦医保〔2024〕32号 二（二）.
 */
import { cite } from '../../citation';
import { addReason, traceStep, type Adjudication } from './context';

export function prescriptionDays(c: Adjudication): void {
  const rule = c.benefit.prescriptionDays;
  const { medType, prescriptionDays: days } = c.input.visit;
  if (!rule || days === undefined) return;
  const limit = rule.value[medType];
  const exceeded = days > limit;
  traceStep(c, 'prescriptionDays', cite(rule), { days, limit, medType }, { exceeded });
  if (exceeded) addReason(c.flags, 'PRESCRIPTION_DAYS_EXCEEDED', rule, `${days} days prescribed; the limit for ${medType} is ${limit}`);
}
