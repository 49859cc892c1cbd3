/**
 * A small synthetic year (2024) of settled visits at three institutions, built as person
 * stream events, with the known anomalies optionally injected. Amounts vary
 * deterministically (seeded) by ±10% so the data are not flat.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../../src/event-store/event-store.port';
import { Dec, fmt, money, sum } from '../../src/kernel/money';
import type { BillLine, LineCategory } from '../../src/policy/engine/types';

export interface SyntheticOptions {
  anomalies: boolean;
}

export const INSTITUTIONS = [
  {
    code: 'NY-L3',
    level: 'level3',
    region: 'nanyang',
    base: { drug: '100.00', examination: '40.00', treatment: '30.00', consultation: '20.00', outside: '10.00' },
  },
  {
    code: 'NY-L1',
    level: 'level1',
    region: 'nanyang',
    base: { drug: '50.00', examination: '20.00', treatment: '15.00', consultation: '10.00', outside: '5.00' },
  },
  {
    code: 'AY-TWN',
    level: 'township',
    region: 'anyang',
    base: { drug: '40.00', examination: '12.00', treatment: '10.00', consultation: '8.00', outside: '2.00' },
  },
] as const;

/** The anomalies, as the test expects them flagged. */
export const ANOMALIES = {
  perVisitJump: { institution: 'NY-L3', month: '2024-06', factor: '1.8' },
  examinationSpike: { institution: 'NY-L1', month: '2024-09' },
  highFrequencyPerson: {
    personId: 'HF-1',
    institution: 'AY-TWN',
    days: [
      '2024-03-11',
      '2024-03-11',
      '2024-03-12',
      '2024-03-12',
      '2024-03-13',
      '2024-03-13',
      '2024-03-14',
      '2024-03-14',
      '2024-03-15',
      '2024-03-16',
      '2024-03-16',
      '2024-03-17',
    ],
  },
  sameDayPerson: { personId: 'SD-1', date: '2024-10-08', institutions: ['NY-L3', 'NY-L1', 'AY-TWN'] },
};

export interface SyntheticVisit {
  personId: string;
  settlementId: string;
  institutionCode: string;
  date: string;
  lines: BillLine[];
  total: string;
  fund: string;
  /** Written as VisitSettled v1 (the consultation line without a category). */
  v1: boolean;
}

/** mulberry32: a tiny seeded generator, so the year is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const daysIn = (month: number) => new Date(Date.UTC(2024, month, 0)).getUTCDate();
const two = (n: number) => String(n).padStart(2, '0');

export function syntheticVisits(options: SyntheticOptions): SyntheticVisit[] {
  const random = seeded(2024);
  // Whole percent between 90 and 110: the variation is exact in fen.
  const vary = (amount: string) =>
    fmt(
      money(amount)
        .times(90 + Math.floor(random() * 21))
        .div(100),
    );
  const visits: SyntheticVisit[] = [];
  const visit = (personId: string, code: string, date: string, factor = '1', examSpike = false, v1 = false): void => {
    const inst = INSTITUTIONS.find((i) => i.code === code)!;
    const b = Object.fromEntries(Object.entries(inst.base).map(([k, v]) => [k, vary(fmt(money(v).times(new Dec(factor))))])) as Record<
      keyof typeof inst.base,
      string
    >;
    let drug = b.drug;
    let examination = b.examination;
    if (examSpike) {
      // Four fifths of the drug amount billed as examinations instead: the total is unchanged.
      const moved = fmt(money(drug).times('0.8'));
      drug = fmt(money(drug).minus(money(moved)));
      examination = fmt(money(examination).plus(money(moved)));
    }
    const lines: BillLine[] = [
      { code: 'D01', amount: drug, inCatalogue: true, category: 'drug' as LineCategory },
      { code: 'E01', amount: examination, inCatalogue: true, category: 'examination' },
      { code: 'T01', amount: b.treatment, inCatalogue: true, category: 'treatment' },
      v1
        ? { code: 'C01', amount: b.consultation, inCatalogue: true }
        : { code: 'C01', amount: b.consultation, inCatalogue: true, category: 'consultation' },
      { code: 'X01', amount: b.outside, inCatalogue: false, category: 'other' },
    ];
    const total = fmt(sum(lines.map((l) => money(l.amount))));
    const scope = sum(lines.filter((l) => l.inCatalogue).map((l) => money(l.amount)));
    const n = visits.filter((v) => v.personId === personId).length + 1;
    visits.push({
      personId,
      settlementId: `S-${personId}-${n}`,
      institutionCode: code,
      date,
      lines,
      total,
      fund: fmt(scope.times('0.5')),
      v1,
    });
  };

  for (let m = 1; m <= 12; m++) {
    const month = `2024-${two(m)}`;
    for (const inst of INSTITUTIONS) {
      const count = 24 + Math.floor(random() * 5);
      for (let k = 0; k < count; k++) {
        // 30 regular patients per institution, each at most once a month.
        const personId = `${inst.code}-P${(k + m * 7) % 30}`;
        const date = `${month}-${two(1 + Math.floor((k * daysIn(m)) / count))}`;
        const jump = options.anomalies && inst.code === ANOMALIES.perVisitJump.institution && month === ANOMALIES.perVisitJump.month;
        const spike =
          options.anomalies && inst.code === ANOMALIES.examinationSpike.institution && month === ANOMALIES.examinationSpike.month;
        // The first quarter was written before lines carried categories everywhere (VisitSettled v1).
        visit(personId, inst.code, date, jump ? ANOMALIES.perVisitJump.factor : '1', spike, m <= 3);
      }
    }
  }
  const hf = ANOMALIES.highFrequencyPerson;
  if (options.anomalies) for (const d of hf.days) visit(hf.personId, hf.institution, d);
  else for (const d of ['2024-03-11', '2024-04-11', '2024-05-11']) visit(hf.personId, hf.institution, d);
  const sd = ANOMALIES.sameDayPerson;
  sd.institutions.forEach((code, i) => visit(sd.personId, code, options.anomalies ? sd.date : `2024-10-${two(8 + 7 * i)}`));
  return visits.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The VisitSettled event a settlement would have written (only the fields monitoring reads are filled beyond the envelope). */
export function visitSettledEvent(v: SyntheticVisit): NewEvent {
  const occurredAt = `${v.date}T09:00:00+08:00`;
  const inst = INSTITUTIONS.find((i) => i.code === v.institutionCode)!;
  const institution = { code: inst.code, level: inst.level, region: inst.region, designated: true };
  const excluded = fmt(sum(v.lines.filter((l) => !l.inCatalogue).map((l) => money(l.amount))));
  const policyScope = fmt(money(v.total).minus(money(excluded)));
  return {
    id: randomUUID(),
    type: 'VisitSettled',
    data: {
      settlementId: v.settlementId,
      visit: { visitId: `V-${v.settlementId}`, occurredAt, settledAt: occurredAt, institution, medType: 'ordinary', lines: v.lines },
      institution,
      yearToDate: { year: 2024, fundPaid: '0.00', deductibleMet: '0.00', deductibleCharges: [] },
      account: { source: 'none', balance: '0.00' },
      policyVersion: 'synthetic',
      decision: {
        visitId: `V-${v.settlementId}`,
        visitDate: v.date,
        year: 2024,
        amounts: {
          total: v.total,
          excluded,
          policyScope,
          fund: v.fund,
          account: '0.00',
          relativeAccount: '0.00',
          cash: fmt(money(v.total).minus(money(v.fund))),
        },
      },
    },
    metadata: {
      schemaVersion: v.v1 ? 1 : 2,
      recordedAt: `${v.date}T01:00:00.000Z`,
      occurredAt: v.date,
      commandId: `cmd-${v.settlementId}`,
    },
  };
}

export async function writeYear(
  store: EventStore,
  visits: readonly SyntheticVisit[],
  extra: Array<{ streamId: string; event: NewEvent }> = [],
): Promise<void> {
  for (const v of visits) await store.append(`person-${v.personId}`, [visitSettledEvent(v)], 'any');
  for (const e of extra) await store.append(e.streamId, [e.event], 'any');
}
