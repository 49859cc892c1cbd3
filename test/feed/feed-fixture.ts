/** A small ledger for the feed tests: two persons, settlements at two institutions, one reversed. */
import { LedgerHarness, registerInstitutions } from '../support/ledger-app';
import { nanyangEmployee } from '../support/fixtures';

export const employee = (personId: string) => nanyangEmployee(personId);

export const visit = (settlementId: string, institutionCode: string, day: string, amount: string) => ({
  settlementId,
  visitId: `V-${settlementId}`,
  institutionCode,
  occurredAt: `${day}T10:00:00+08:00`,
  settledAt: `${day}T10:30:00+08:00`,
  medType: 'ordinary',
  lines: [{ code: 'T1', amount, inCatalogue: true, category: 'treatment' }],
});

export async function post(h: LedgerHarness, path: string, body: object): Promise<any> {
  const res = await h.http.post(path).set('x-api-key', h.keys.agency).send(body);
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Settles `count` visits for a person, alternating NY-L1 and NY-L2, each on its own day. */
export async function settleVisits(h: LedgerHarness, personId: string, count: number, from = 0): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const day = `2023-06-${String(1 + (i % 28)).padStart(2, '0')}`;
    await post(h, `/persons/${personId}/visits`, visit(`S-${personId}-${i}`, i % 2 === 0 ? 'NY-L1' : 'NY-L2', day, `${100 + i}.00`));
  }
}

export async function seedFeedLedger(h: LedgerHarness): Promise<void> {
  await registerInstitutions(h);
  await post(h, '/persons', employee('F1'));
  await post(h, '/persons', employee('F2'));
  await settleVisits(h, 'F1', 4);
  await settleVisits(h, 'F2', 3);
  await post(h, '/persons/F1/settlements/S-F1-0/reversal', { reason: 'duplicate charge corrected by the hospital' });
}
