/**
 * The example of issue 15's read side: a Nanyang in-service employee (宛政办〔2022〕42号)
 * who was in fact retired since 2023-01-01. Two visits of 430.00 at a level-2 hospital
 * (deductible 30, 第五条（一）): in service 55 % → fund 220.00 each; retired 65 % → 260.00
 * (第五条（二）). The first visit's share was paid from the account (balance 600.00 from three
 * monthly credits of 2 % × 10000.00, 第八条（一）), the second's in cash. The correction
 * (recorded 2023-06-01) refunds 40.00 to the account and owes the person 40.00 cash.
 */
import { LedgerClient, startLedger } from '../../scripts/ledger-client';
import { POLICY_CATALOG } from '../../src/infrastructure/tokens';
import type { PolicyCatalog } from '../../src/policy/catalog';
import type { PolicyPack } from '../../src/policy/pack.types';
import type { AdjudicationInput } from '../../src/policy/engine/types';
import { appendSealed, applyAdjustment, newEvent } from './adjustment-fixture';
import { NANYANG_COUNTY_LEVEL2 } from '../support/fixtures';

export const PERSON = 'NY-ADJ-01';
export const CORRECTION = 'C-2023-0001';
export const DISPUTE = 'D-2023-0001';
export const CORRECTED_AT = '2023-06-01T10:00:00+08:00';

const at = (date: string, hh = 9): string => `${date}T${String(hh).padStart(2, '0')}:00:00+08:00`;

export async function retiredSinceJanuary(ledger: LedgerClient): Promise<{ pack: PolicyPack }> {
  ledger.clock.set(at('2023-01-01', 8));
  await ledger.must('/institutions', NANYANG_COUNTY_LEVEL2);
  await ledger.must('/persons', {
    personId: PERSON,
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '10000.00',
    relatives: [],
  });
  for (const month of ['2023-01', '2023-02', '2023-03']) {
    ledger.clock.set(at(`${month}-01`, 6));
    await ledger.must(`/persons/${PERSON}/account/credits`, { month });
  }
  await visit(ledger, 'S1', '2023-03-10', 'own');
  await visit(ledger, 'S2', '2023-04-10', 'none');
  const settled = (await ledger.store.readStream(`person-${PERSON}`)).find((e) => e.type === 'VisitSettled')!;
  const pack = ledger.app.get<PolicyCatalog>(POLICY_CATALOG).byVersion((settled.data as { policyVersion: string }).policyVersion)!;

  ledger.clock.set(new Date(CORRECTED_AT));
  await appendSealed(ledger.store, `person-${PERSON}`, [
    newEvent(
      'PersonCategoryCorrected',
      { correctionId: CORRECTION, disputeId: DISPUTE, category: 'retired', from: '2023-01-01', correctedAt: CORRECTED_AT },
      CORRECTED_AT,
    ),
  ]);
  const ids = { correctionId: CORRECTION, disputeId: DISPUTE, at: CORRECTED_AT };
  await applyAdjustment(ledger.store, PERSON, 'S1', retired(), pack, ids);
  // S2 sees S1's corrected fund in its year-to-date (the cap counts what came before).
  await applyAdjustment(ledger.store, PERSON, 'S2', retired('260.00'), pack, ids);
  return { pack };
}

function retired(fundPaidBefore?: string): (input: AdjudicationInput) => AdjudicationInput {
  return (input) => ({
    ...input,
    person: { ...input.person, categoryTimeline: [{ from: '2023-01-01', category: 'retired' }] },
    yearToDate: fundPaidBefore === undefined ? input.yearToDate : { ...input.yearToDate, fundPaid: fundPaidBefore },
  });
}

async function visit(ledger: LedgerClient, settlementId: string, date: string, source: 'own' | 'none'): Promise<void> {
  const occurredAt = at(date, 10);
  ledger.clock.set(new Date(occurredAt));
  await ledger.must(`/persons/${PERSON}/visits`, {
    settlementId,
    visitId: `V-${settlementId}`,
    institutionCode: 'NY-H2',
    occurredAt,
    settledAt: occurredAt,
    medType: 'ordinary',
    lines: [{ code: 'DRUG-RX', amount: '430.00', inCatalogue: true, category: 'drug' }],
    account: { source },
  });
}

export { startLedger };
