/**
 * Issue 10 "Nothing lost" and issue 11 item 9: the service process is SIGKILLed in the
 * middle of concurrent settlements (distinct persons, and a quarter of them on one shared
 * person), restarted on the same file, and checked: every acknowledged settlement present
 * exactly once, every in-flight one retried with its Idempotency-Key without a duplicate,
 * read models equal to a fold of the stream. LEDGER_CRASH_ROUNDS sets the kills (default 2);
 * LEDGER_REPORT=1 prints the figures.
 */
import {
  checkExactlyOnce,
  checkReadModelsEqualReplay,
  CrashLedger,
  Figures,
  loadUntilKilled,
  report,
  ROUNDS,
  SettleRequest,
  setUpLedger,
  visitBody,
} from './support/crash-load';

jest.setTimeout(240_000);

const PERSONS = ['CR-SHARED', ...Array.from({ length: 8 }, (_, i) => `CR-P${i + 1}`)];
const PER_ROUND = 160;
let ledger: CrashLedger;

beforeAll(async () => {
  ledger = new CrashLedger();
  await ledger.start();
  await setUpLedger(
    ledger,
    PERSONS.map((personId) => ({ personId })),
  );
});
afterAll(() => ledger?.close());

function roundRequests(round: number): SettleRequest[] {
  return Array.from({ length: PER_ROUND }, (_, i) => {
    const personId = i % 4 === 0 ? 'CR-SHARED' : PERSONS[1 + (i % 8)];
    const settlementId = `R${round}-${i}`;
    return { personId, key: `crash-r${round}-${i}`, body: visitBody(settlementId, round * PER_ROUND + i, `${40 + (i % 7) * 10}.00`) };
  });
}

it('SIGKILL during concurrent settlements: 0 lost, 0 duplicated, in-flight retries exactly once, read models equal a replay', async () => {
  const figures: Figures = { rounds: ROUNDS, sent: 0, acknowledged: 0, lost: 0, duplicated: 0, inFlightRetried: 0 };
  for (let round = 1; round <= ROUNDS; round++) {
    const requests = roundRequests(round);
    // Kill at a different point each round, while up to 12 requests are in flight.
    await loadUntilKilled(ledger, requests, 12, 20 + ((round * 37) % 40));
    await ledger.start();
    const checked = await checkExactlyOnce(ledger, requests);
    figures.sent += requests.filter((r) => r.sent).length;
    figures.acknowledged += requests.filter((r) => r.status !== undefined && r.status < 300).length;
    figures.lost += checked.lost;
    figures.duplicated += checked.duplicated;
    figures.inFlightRetried += checked.retried;
  }
  await checkReadModelsEqualReplay(ledger, PERSONS);
  // The user path: the service's read side ran in its worker thread (npm start's default on a file).
  expect((await ledger.http.get('/health')).body.projections.mode).toBe('worker');
  report('crash: settlements', figures);
  expect(figures.acknowledged).toBeGreaterThan(0);
  expect({ lost: figures.lost, duplicated: figures.duplicated }).toEqual({ lost: 0, duplicated: 0 });
});
