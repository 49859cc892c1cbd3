/**
 * Issue 15 item 4, property: after any sequence of month corrections (before the period
 * settlement, or after the final payment), the institution's folded year equals a fresh
 * history declared with the corrected figures — advances, period settlement and final
 * payment — and the money the corrections moved (top-ups − recoveries) is exactly what the
 * fresh year pays more than the original one. No amount moved is negative.
 *
 * No overspend review here: a correction keeps the review's compensation at most at the new
 * overspend (the review's findings stand), which a fresh review would compute differently.
 */
import fc from 'fast-check';
import { decideInstitution, InstitutionCommand } from '../../src/institutions/institution.decide';
import { foldInstitution, InstitutionEvent, InstitutionState } from '../../src/institutions/institution.events';
import type { InstitutionProfile } from '../../src/institutions/institution.types';
import type { MonthFigures } from '../../src/institutions/month-correction.events';
import { settlementParameters } from '../../src/institutions/settlement-parameters';
import { Dec, fmt, money, sum } from '../../src/kernel/money';
import { defaultCatalog } from '../support/policy';

const P = settlementParameters(defaultCatalog());
const PROFILE: InstitutionProfile = {
  code: 'JZ-P',
  name: '某县人民医院',
  category: 'county_general',
  level: 'level2',
  location: 'county',
  region: 'jiaozuo',
  designations: ['employee'],
};
const MONTHS = ['2024-08', '2024-09', '2024-10', '2024-11', '2024-12'];
const NEXT: Record<string, string> = {
  '2024-08': '2024-09',
  '2024-09': '2024-10',
  '2024-10': '2024-11',
  '2024-11': '2024-12',
  '2024-12': '2025-01',
};

/** Fen as a money string (integers only: no float ever holds money). */
const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const figuresArb: fc.Arbitrary<MonthFigures> = fc
  .record({
    visits: fc.integer({ min: 1, max: 100_000 }),
    costFen: fc.integer({ min: 1, max: 3_000_000_000 }),
    dueShare: fc.integer({ min: 0, max: 1000 }),
  })
  .map(({ visits, costFen, dueShare }) => ({
    visits,
    totalCost: yuan(costFen),
    fundDue: yuan(Math.floor((costFen * dueShare) / 1000)),
  }));

function run(history: InstitutionEvent[], commands: InstitutionCommand[]): InstitutionEvent[] {
  const all = [...history];
  for (const c of commands) all.push(...decideInstitution(c, foldInstitution(all), P));
  return all;
}

type Stage = 'advances' | 'final';
function year(figures: MonthFigures[], stage: Stage, passed: boolean): InstitutionEvent[] {
  const commands: InstitutionCommand[] = [{ type: 'SetCostBase', data: { year: 2024 } }];
  MONTHS.forEach((month, i) => {
    const f = figures[i];
    commands.push(
      { type: 'DeclareMonth', data: { month, ...f, declaredOn: `${NEXT[month]}-08` } },
      { type: 'ApproveMonth', data: { month, approvedAmount: f.fundDue } },
      { type: 'PayAdvance', data: { month } },
    );
  });
  if (stage === 'final')
    commands.push(
      { type: 'SettlePeriod', data: { year: 2024 } },
      { type: 'AssessYear', data: { year: 2024, passed } },
      { type: 'MakeFinalPayment', data: { year: 2024 } },
    );
  return run([{ type: 'InstitutionRegistered', data: PROFILE }], commands);
}

/** What the fund has paid the institution for the year: the final payment once made, else the advances. */
function paid(state: InstitutionState): Dec {
  const y = state.years[2024];
  return y.final ? money(y.final.finalPayment) : sum(MONTHS.map((m) => money(y.months[m].advance!.amount)));
}

const figuresOf = (state: InstitutionState) =>
  Object.fromEntries(
    MONTHS.map((m) => {
      const s = state.years[2024].months[m];
      return [
        m,
        { visits: s.declared!.visits, totalCost: s.declared!.totalCost, approved: s.approved!.approvedAmount, advance: s.advance },
      ];
    }),
  );

it('any sequence of month corrections leaves the year a fresh history of the corrected figures would have; the money moved is the difference', () => {
  fc.assert(
    fc.property(
      fc.array(figuresArb, { minLength: 5, maxLength: 5 }),
      fc.constantFrom<Stage>('advances', 'final'),
      fc.boolean(),
      fc.array(fc.record({ month: fc.integer({ min: 0, max: 4 }), figures: figuresArb }), { minLength: 1, maxLength: 4 }),
      (original, stage, passed, corrections) => {
        let events = year(original, stage, passed);
        const before = foldInstitution(events);
        const now = [...original];
        corrections.forEach((c, i) => {
          now[c.month] = c.figures;
          const decided = decideInstitution(
            {
              type: 'CorrectMonth',
              data: { correctionId: `COR-${i}`, month: MONTHS[c.month], corrected: c.figures, reason: 'audit', correctedOn: '2025-03-01' },
            },
            foldInstitution(events),
            P,
          );
          for (const e of decided) {
            const amount = (e.data as { amount?: string }).amount;
            if (amount !== undefined) expect(money(amount).greaterThan(0)).toBe(true);
          }
          events = [...events, ...decided];
        });
        const corrected = foldInstitution(events);
        const fresh = foldInstitution(year(now, stage, passed));
        const normalise = (f: MonthFigures) => ({ visits: f.visits, totalCost: fmt(money(f.totalCost)), fundDue: fmt(money(f.fundDue)) });
        expect(figuresOf(corrected)).toEqual(figuresOf(fresh));
        expect(MONTHS.map((m) => corrected.years[2024].months[m].declared!.fundDue)).toEqual(now.map((f) => normalise(f).fundDue));
        const c = corrected.years[2024];
        const f = fresh.years[2024];
        if (stage === 'final') {
          const { trace: _ct, ...settled } = c.settlement!;
          const { trace: _ft, ...settledFresh } = f.settlement!;
          expect(settled).toEqual(settledFresh);
          const { trace: _ctf, ...final } = c.final!;
          const { trace: _ftf, ...finalFresh } = f.final!;
          expect(final).toEqual(finalFresh);
        }
        const moved = money(c.corrections?.toppedUp ?? '0').minus(money(c.corrections?.recovered ?? '0'));
        expect(fmt(paid(before).plus(moved))).toBe(fmt(paid(fresh)));
      },
    ),
    { numRuns: 150 },
  );
});
