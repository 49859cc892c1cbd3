/**
 * Issue 10: the persons projection stores a person-year without its settlements' list, and
 * GET /persons/:id/years/:year builds the list from the settlement rows. The answer must be
 * the very bytes the as-of answer (folded from the stream) gives at the head of the log, at
 * every step of a story with corrections of the category and of settlements, reversals and
 * a retirement; and a row stored whole by an older version reads the same.
 */
import type { LedgerClient } from '../../scripts/ledger-client';
import { POLICY_CATALOG } from '../../src/infrastructure/tokens';
import type { PolicyCatalog } from '../../src/policy/catalog';
import type { AdjudicationInput } from '../../src/policy/engine/types';
import { foldPersonView, summarizeYear } from '../../src/projections/person-views';
import type { ProjectionRunner } from '../../src/projections/projection-runner';
import type { ReadModelStore } from '../../src/projections/read-model-store';
import { readPersonYear } from '../../src/projections/read-models/persons.projection';
import { PROJECTION_RUNNER, READ_MODEL_STORE } from '../../src/projections/tokens';
import { upcast } from '../../src/event-store/upcasting';
import { applyAdjustment } from '../adjustments/adjustment-fixture';
import { PERSON, retiredSinceJanuary, startLedger } from '../adjustments/retired-since-january';
import { drugVisitAtNanyangLevel2 } from '../support/fixtures';

const at = (date: string, hh = 10): string => `${date}T${String(hh).padStart(2, '0')}:00:00+08:00`;

/** The answer's `result` member as sent (the last member of a read answer). */
const resultText = (body: string): string => body.slice(body.indexOf('"result":'));

describe('the person-year answered from the read models, byte for byte', () => {
  let ledger: LedgerClient;
  let pack: Awaited<ReturnType<typeof retiredSinceJanuary>>['pack'];

  beforeAll(async () => {
    ledger = await startLedger();
    ({ pack } = await retiredSinceJanuary(ledger));
  }, 60_000);
  afterAll(async () => ledger?.close());

  async function visit(personId: string, settlementId: string, date: string, amount: string): Promise<void> {
    ledger.clock.set(at(date));
    await ledger.must(`/persons/${personId}/visits`, drugVisitAtNanyangLevel2(settlementId, at(date), amount));
  }

  /** The live answer and the as-of answer at the head of the log, each year's `result` as sent. */
  async function answers(personId: string, years: number[]): Promise<Array<[string, string]>> {
    await ledger.app.get<ProjectionRunner>(PROJECTION_RUNNER).caughtUp();
    const head = await ledger.store.headPosition();
    const out: Array<[string, string]> = [];
    for (const year of years) {
      const live = await ledger.get(`/persons/${personId}/years/${year}`);
      const folded = await ledger.get(`/persons/${personId}/years/${year}?asOf=${head}`);
      expect([live.status, folded.status]).toEqual([200, 200]);
      expect(live.body.source).toBe('projection');
      out.push([resultText(live.text), resultText(folded.text)]);
    }
    return out;
  }

  async function expectSameBytes(personId: string, years = [2022, 2023]): Promise<void> {
    for (const [live, folded] of await answers(personId, years)) expect(live).toBe(folded);
  }

  it('after each step of a story with category corrections, settlement corrections, reversals and a retirement', async () => {
    // NY-ADJ-01: category corrected to retired since January, both settlements corrected.
    await expectSameBytes(PERSON);
    await visit(PERSON, 'S3', '2023-07-10', '310.00');
    await visit(PERSON, 'S4', '2023-08-10', '125.50');
    await expectSameBytes(PERSON);
    await visit(PERSON, 'S5', '2023-08-15', '64.20');
    ledger.clock.set(at('2023-08-16'));
    await ledger.must(`/persons/${PERSON}/settlements/S4/reversal`, { reason: 'charged twice' });
    await expectSameBytes(PERSON);
    await applyAdjustment(ledger.store, PERSON, 'S3', asRetired, pack, { correctionId: 'C-S3', at: at('2023-08-20') });
    await visit(PERSON, 'S6', '2023-09-10', '88.00');
    await expectSameBytes(PERSON);

    // NY-RET-01: in service, visits, a reversal, then retired mid-year, visits after.
    ledger.clock.set(at('2023-01-01', 8));
    await ledger.must('/persons', {
      personId: 'NY-RET-01',
      scheme: 'employee',
      category: 'in_service',
      region: 'nanyang',
      enrolledOn: '2023-01-01',
      contributionBase: '8000.00',
    });
    for (const day of ['02-12', '03-12', '04-12', '04-20'])
      await visit('NY-RET-01', `R-${day}`, `2023-${day}`, `${100 + Number(day.slice(3)) * 37}.40`);
    ledger.clock.set(at('2023-04-21'));
    await ledger.must('/persons/NY-RET-01/settlements/R-04-12/reversal', { reason: 'charged twice' });
    await expectSameBytes('NY-RET-01');
    ledger.clock.set(at('2023-07-15', 9));
    await ledger.must('/persons/NY-RET-01/retirement', { processedOn: '2023-07-15' });
    await expectSameBytes('NY-RET-01');
    for (const month of ['08', '09', '11']) await visit('NY-RET-01', `R-${month}`, `2023-${month}-03`, '412.00');
    await visit('NY-RET-01', 'R-2024', '2024-01-05', '95.00');
    await expectSameBytes('NY-RET-01', [2022, 2023, 2024]);
    const year = (await ledger.get('/persons/NY-RET-01/years/2023')).body.result;
    expect([year.visits, year.reversedVisits, year.byCategory.map((p: { category: string }) => p.category)]).toEqual([
      6,
      1,
      ['in_service', 'retired'],
    ]);
  }, 120_000);

  it('a row stored with its settlements (before issue 10) reads the same', async () => {
    await ledger.app.get<ProjectionRunner>(PROJECTION_RUNNER).caughtUp();
    const store = ledger.app.get<ReadModelStore>(READ_MODEL_STORE);
    const catalog = ledger.app.get<PolicyCatalog>(POLICY_CATALOG);
    const answered = JSON.stringify(readPersonYear(store, catalog, PERSON, 2023));
    const fold = foldPersonView((await ledger.store.readStream(`person-${PERSON}`)).map(upcast));
    const whole = JSON.stringify(summarizeYear(catalog, fold.profile!, fold.visits, 2023));
    store.stmt('UPDATE rm_person_year SET view = ? WHERE person_id = ? AND year = 2023').run(whole, PERSON);
    expect(JSON.stringify(readPersonYear(store, catalog, PERSON, 2023))).toBe(answered);
    expect(answered).toBe(whole);
  }, 60_000);
});

/** A correction that applies the retired rate to the settlement. */
const asRetired = (input: AdjudicationInput): AdjudicationInput => ({
  ...input,
  person: { ...input.person, categoryTimeline: [{ from: '2023-01-01', category: 'retired' }] },
});
