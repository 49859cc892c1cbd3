/** 409: a revision conflict that survives the handler's retries, with nothing written. */
import { EventStore } from '../../src/event-store/event-store.port';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';

let h: LedgerHarness;
let hostile = false;
let raced = 0;

beforeAll(async () => {
  h = await startLedger({
    // A writer that always wins the race on person-X once `hostile` is on.
    wrapStore: (store: EventStore) => {
      const wrapped: EventStore = Object.create(store);
      wrapped.append = async (streamId, events, expected) => {
        if (hostile && streamId === 'person-X') {
          raced++;
          const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
          await store.append(
            streamId,
            [
              {
                ...last,
                id: `00000000-0000-4000-8000-${String(raced).padStart(12, '0')}`,
                type: 'NoiseForTest',
                metadata: { schemaVersion: 1, recordedAt: last.metadata.recordedAt },
              },
            ],
            last.revision,
          );
        }
        return store.append(streamId, events, expected);
      };
      return wrapped;
    },
  });
  await registerInstitutions(h);
});
afterAll(() => h.close());

it('answers 409 CONCURRENCY_CONFLICT after the bounded retries, and writes none of the command’s events', async () => {
  const enrol = await h.http.post('/persons').set('x-api-key', h.keys.agency).send({
    personId: 'X',
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '5000.00',
  });
  expect(enrol.status).toBe(201);
  hostile = true;
  const res = await h.http
    .post('/persons/X/visits')
    .set('x-api-key', h.keys.agency)
    .set('Idempotency-Key', 'conflict-0001')
    .send({
      settlementId: 'S1',
      visitId: 'V1',
      institutionCode: 'NY-L2',
      occurredAt: '2023-03-01T09:00:00+08:00',
      medType: 'ordinary',
      lines: [{ code: 'A', amount: '100.00', inCatalogue: true }],
    });
  hostile = false;
  expect(res.status).toBe(409);
  expect(res.body.code).toBe('CONCURRENCY_CONFLICT');
  expect(raced).toBeGreaterThan(1);
  const events = await h.store.readStream('person-X');
  expect(events.filter((e) => e.type === 'VisitSettled')).toHaveLength(0);
});
