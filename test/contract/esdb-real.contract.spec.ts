import { EsdbEventStore } from '../../src/event-store/esdb/esdb-event-store';
import { describeEventStoreContract } from './event-store.contract';

// Runs the contract against a real EventStoreDB when EVENTSTORE_CONNECTION_STRING is set,
// e.g. esdb://127.0.0.1:2113?tls=false (see README). Streams get fresh names per test, so a
// shared server is fine.
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract(
    'EventStoreDB adapter against a real EventStoreDB',
    async () => {
      const store = new EsdbEventStore(connectionString);
      return { store, cleanup: () => store.close() };
    },
    { eventIdReuse: 'best-effort' },
  );
} else {
  it('real EventStoreDB: not configured (set EVENTSTORE_CONNECTION_STRING, see README)', () => {
    expect(process.env.EVENTSTORE_CONNECTION_STRING ?? '').toBe('');
  });
}
