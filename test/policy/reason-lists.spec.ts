/**
 * Issue 14 item 4: a decision's `reasons` hold the codes of a refused payment (refusal,
 * exclusion, reduction, account refusal), its `flags` the facts beside them (adjustment,
 * notice): src/policy/reason-codes.ts states the rule, and the engine follows it for every
 * code it emits.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { adjudicate } from '../../src/policy/engine/adjudicate';
import type { BillLine, Decision } from '../../src/policy/engine/types';
import { isReasonCode, LIST_OF_KIND, listOf, REASON_CODES, type ReasonCode } from '../../src/policy/reason-codes';
import { catalog, input, line, REPO_ROOT } from './helpers';

const ENGINE_DIR = path.join(REPO_ROOT, 'src/policy/engine');

function engineSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return engineSources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [fs.readFileSync(full, 'utf8')] : [];
  });
}

/** Every (list, code) the engine's source writes with a literal code. */
function literalEmissions(): Array<{ list: string; code: string }> {
  const out: Array<{ list: string; code: string }> = [];
  for (const text of engineSources(ENGINE_DIR)) {
    for (const m of text.matchAll(/addReason\(\s*c\.(reasons|flags),\s*'([A-Z0-9_]+)'/g)) out.push({ list: m[1], code: m[2] });
    for (const m of text.matchAll(/eligibilityStep\([^;]*?'([A-Z0-9_]+)',/g)) out.push({ list: 'reasons', code: m[1] });
  }
  return out;
}

describe('reasons and flags: one documented rule', () => {
  it('every kind maps to exactly one list, and both lists are used', () => {
    expect(new Set(Object.values(LIST_OF_KIND))).toEqual(new Set(['reasons', 'flags']));
    for (const code of Object.keys(REASON_CODES) as ReasonCode[]) expect(['reasons', 'flags']).toContain(listOf(code));
  });

  it('the engine source writes each literal code into the list its kind names', () => {
    const emitted = literalEmissions();
    expect(emitted.length).toBeGreaterThanOrEqual(20);
    const wrong = emitted.filter((e) => !isReasonCode(e.code) || listOf(e.code) !== e.list);
    expect(wrong).toEqual([]);
    // The examples the issue names.
    expect(['CAP_REACHED', 'INPATIENT'].map((c) => listOf(c as ReasonCode))).toEqual(['reasons', 'reasons']);
    expect(listOf('DEDUCTIBLE_WAIVED_24H')).toBe('flags');
  });

  it('over generated visits, every code a decision carries is in the list its kind names', () => {
    const packs = catalog().cityPacks();
    const seen = new Set<string>();
    const lineArb: fc.Arbitrary<BillLine> = fc
      .record({
        amount: fc.integer({ min: 1, max: 400_000 }).map((n) => (n / 100).toFixed(2)),
        inCatalogue: fc.boolean(),
        costKind: fc.constantFrom(
          'medical',
          'medical',
          'health_checkup',
          'work_injury',
          'third_party',
          'public_health',
          'fitness_wellness' as const,
        ),
        category: fc.constantFrom('drug', 'consultation' as const),
      })
      .map((l) => line(l.amount, { ...l, code: `L${l.amount}` }));
    fc.assert(
      fc.property(
        fc.record({
          pack: fc.integer({ min: 0, max: packs.length - 1 }),
          level: fc.constantFrom('village', 'township', 'level1', 'level2', 'level3', 'unrated' as const),
          designated: fc.boolean(),
          pharmacy: fc.boolean(),
          offSite: fc.boolean(),
          medType: fc.constantFrom('ordinary', 'emergency', 'chronic' as const),
          prescriptionDays: fc.integer({ min: 1, max: 40 }),
          referral: fc.option(fc.boolean(), { nil: undefined }),
          inpatient: fc.boolean(),
          enrolled: fc.boolean(),
          contract: fc.boolean(),
          lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
          fundPaid: fc.integer({ min: 0, max: 300_000 }).map((n) => (n / 100).toFixed(2)),
          chargedHoursAgo: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
          account: fc.constantFrom('none', 'own', 'relative' as const),
          relation: fc.constantFrom('spouse', 'sibling' as const),
          balance: fc.integer({ min: 0, max: 50_000 }).map((n) => (n / 100).toFixed(2)),
          lateDays: fc.constantFrom(0, 40),
        }),
        (g) => {
          const pack = packs[g.pack];
          const at = `${pack.effective.from}T10:00:00+08:00`;
          const atMs = Date.parse(at);
          const decision: Decision = adjudicate(
            input({
              pack,
              at,
              settledAt: new Date(atMs + g.lateDays * 86_400_000).toISOString(),
              level: g.level,
              institution: { designated: g.designated, pharmacy: g.pharmacy },
              lines: g.lines,
              visit: { medType: g.medType, prescriptionDays: g.prescriptionDays, offSite: g.offSite, referral: g.referral },
              person: {
                enrollments: g.enrolled ? [{ from: '2000-01-01' }] : [],
                inpatientStays: g.inpatient ? [{ from: pack.effective.from }] : [],
                familyDoctorContracts: g.contract
                  ? [{ contractId: 'K1', institutionCode: 'H1', from: '2000-01-01', to: '2100-12-31', feePaidByPooling: true, revision: 1 }]
                  : [],
              },
              ytd: {
                fundPaid: g.fundPaid,
                deductibleCharges:
                  g.chargedHoursAgo === undefined
                    ? []
                    : [{ institutionCode: 'H1', at: new Date(atMs - g.chargedHoursAgo * 3_600_000).toISOString(), visitId: 'earlier' }],
              },
              account:
                g.account === 'none'
                  ? { source: 'none', balance: '0.00' }
                  : { source: g.account, balance: g.balance, relation: g.relation, holderId: 'h' },
            }),
            pack,
          );
          for (const r of decision.reasons) expect([r.code, listOf(r.code as ReasonCode)]).toEqual([r.code, 'reasons']);
          for (const f of decision.flags) expect([f.code, listOf(f.code as ReasonCode)]).toEqual([f.code, 'flags']);
          for (const r of [...decision.reasons, ...decision.flags]) seen.add(r.code);
        },
      ),
      { numRuns: 2000, seed: 14 },
    );
    // The generator reaches every code the engine source names, so the check above is not vacuous.
    const literal = new Set(literalEmissions().map((e) => e.code));
    expect([...literal].filter((c) => !seen.has(c))).toEqual([]);
  });
});
