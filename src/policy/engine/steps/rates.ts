/**
 * Pack key `rates`: the fund's payment rate by category × level on the visit date (0 for an
 * ineligible visit). Typical clause: 宛政办〔2022〕42号 第五条（二）; 安医保〔2019〕75号 三（三）.
 */
import type { Dec } from '../../../kernel/money';
import { cite } from '../../citation';
import type { InstitutionLevel, PersonCategory } from '../types';
import { packRate, traceStep, type Adjudication } from './context';

export interface Rate {
  rate: Dec;
  /** The rate as the pack writes it ("0.6"), kept verbatim in the decision. */
  rateText: string;
}

export function rates(c: Adjudication, eligible: boolean, category: PersonCategory, tier: InstitutionLevel): Rate {
  const tableRate = c.benefit.rates.value[category]?.[tier];
  const rateText = eligible && tableRate !== undefined ? tableRate : '0';
  traceStep(
    c,
    'rate',
    cite(c.benefit.rates),
    { category, eligible, level: tier },
    { rate: rateText },
    eligible ? undefined : 'the fund pays nothing for an ineligible visit',
  );
  return { rate: packRate(rateText), rateText };
}
