/**
 * Issue 10: the engine and the claims decider build a settlement's objects in canonical key
 * order so that sealing stores them uncopied. The stored bytes must not move: the data text
 * sealBatchWithText hands to the store is the reference canonical JSON of the data, the
 * decision is kept as built, and the digest of a year of stored texts is the one the ledger
 * wrote before that change (0ef5a24), so any change in a stored byte fails here.
 */
import { createHash } from 'node:crypto';
import { sealBatchWithText } from '../../src/audit/tamper-chain';
import { storedDataText, type NewEvent } from '../../src/event-store/event-store.port';
import { decideClaims, type SettleVisitCommand } from '../../src/modules/claims/claims.decide';
import type { VisitSettled } from '../../src/modules/claims/claims.events';
import { foldPerson } from '../../src/modules/person-stream';
import type { PolicyPack } from '../../src/policy/catalog';
import { inCanonicalOrder } from '../../src/policy/canonical-json';
import type { AccountRequest, BillLine, InstitutionFacts } from '../../src/policy/engine/types';
import { referenceCanonicalJson } from '../audit/support/canonical-json.reference';
import { defaultCatalog } from '../support/policy';

const catalog = defaultCatalog();
const nanyang = (date: string): PolicyPack => catalog.resolve('nanyang', 'employee', date)!;
const level2: InstitutionFacts = { code: 'NY-L2', level: 'level2', region: 'nanyang', designated: true };
const level3: InstitutionFacts = { region: 'nanyang', designated: true, level: 'level3', code: 'NY-L3' };
const undesignated: InstitutionFacts = { code: 'NY-X', level: 'level1', region: 'nanyang', designated: false };

const start = [
  {
    type: 'PersonEnrolled',
    data: {
      personId: 'P1',
      scheme: 'employee',
      category: 'in_service',
      region: 'nanyang',
      enrolledOn: '2023-01-01',
      contributionBase: '6000.00',
      relatives: [],
    },
  },
  {
    type: 'RetiredStatusChanged',
    data: { processedOn: '2023-05-15', effectiveFrom: '2023-06-01', from: 'in_service', to: 'retired' },
  },
];

interface Visit {
  id: string;
  at: string;
  lines: BillLine[];
  institution?: InstitutionFacts;
  account?: AccountRequest;
}

/** A year of visits that takes the engine through its branches: deductible and its window, exclusions, cap, category switch, refusals. */
const VISITS: Visit[] = [
  { id: 'S1', at: '2023-02-01T09:00:00+08:00', lines: [{ code: 'L1', amount: '200.00', inCatalogue: true }] },
  { id: 'S2', at: '2023-02-01T15:00:00+08:00', lines: [{ amount: '80.50', code: 'L2', inCatalogue: true }] },
  {
    id: 'S3',
    at: '2023-03-01T09:00:00+08:00',
    institution: level3,
    lines: [
      { code: 'L3', amount: '3050.00', inCatalogue: true },
      { code: 'X1', amount: '40.00', inCatalogue: false },
      { code: 'HC', amount: '15.00', inCatalogue: true, costKind: 'health_checkup' },
    ],
  },
  {
    id: 'S4',
    at: '2023-04-01T09:00:00+08:00',
    account: { source: 'own', balance: '0.00' },
    lines: [{ code: 'L4', amount: '99.99', inCatalogue: true }],
  },
  { id: 'S5', at: '2023-05-01T09:00:00+08:00', institution: undesignated, lines: [{ code: 'L5', amount: '120.00', inCatalogue: true }] },
  { id: 'S6', at: '2023-06-02T09:00:00+08:00', institution: level3, lines: [{ code: 'L6', amount: '9000.00', inCatalogue: true }] },
  { id: 'S7', at: '2023-07-02T09:00:00+08:00', institution: level3, lines: [{ code: 'L7', amount: '900.00', inCatalogue: true }] },
];

function command(v: Visit): SettleVisitCommand {
  const institution = v.institution ?? level2;
  return {
    type: 'SettleVisit',
    data: {
      settlementId: v.id,
      visit: { visitId: `V-${v.id}`, occurredAt: v.at, settledAt: v.at, institution, medType: 'ordinary', lines: v.lines },
      institution,
      account: v.account ?? { source: 'none', balance: '0.00' },
    },
    pack: nanyang(v.at.slice(0, 10)),
  };
}

/** The year's settlements decided in order and sealed as the writer seals them; their stored data texts. */
function storedTexts(): { texts: string[]; settled: Array<VisitSettled['data']> } {
  const events: Array<{ type: string; data: unknown }> = [...start];
  const texts: string[] = [];
  const settled: Array<VisitSettled['data']> = [];
  for (const v of VISITS) {
    const state = foldPerson(events.map((e, revision) => ({ ...e, revision })));
    const decided = decideClaims(command(v), state);
    const fresh: NewEvent[] = decided.map((e, i) => ({
      id: `${v.id}-${i}`,
      type: e.type,
      data: e.data,
      metadata: { schemaVersion: 1, recordedAt: v.at },
    }));
    for (const sealed of sealBatchWithText('person-P1', fresh, undefined)) {
      texts.push(storedDataText(sealed)!);
      settled.push(sealed.data as VisitSettled['data']);
    }
    events.push(...decided);
  }
  return { texts, settled };
}

describe('stored text of a settlement (issue 10: canonical order at the source)', () => {
  const { texts, settled } = storedTexts();

  test('the stored data text is the reference canonical JSON of the data', () => {
    settled.forEach((data, i) => expect(texts[i]).toBe(referenceCanonicalJson(data)));
  });

  test('sealing keeps the decision, year-to-date and account as the decider built them (no copy)', () => {
    const decided = decideClaims(command(VISITS[3]), foldPerson(start.map((e, revision) => ({ ...e, revision }))));
    const { decision, yearToDate, account } = (decided[0] as VisitSettled).data;
    for (const built of [decision, yearToDate, account]) expect(inCanonicalOrder(built)).toBe(built);
  });

  test('the stored texts are byte for byte those written before the change (digest taken at 0ef5a24)', () => {
    const digest = createHash('sha256');
    for (const text of texts) digest.update(text, 'utf8').update('\n');
    expect(texts).toHaveLength(VISITS.length);
    expect(digest.digest('hex')).toBe(GOLDEN_DIGEST);
  });
});

const GOLDEN_DIGEST = 'dfc9a6479f2e22deb04efa456cba311f48a9957731534731d7009b783bb8bb82';
