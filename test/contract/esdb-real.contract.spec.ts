import { EsdbEventStore } from '../../src/event-store/esdb/esdb-event-store';
import { describeEventStoreContract } from './event-store.contract';

// Runs the contract against a real EventStoreDB when EVENTSTORE_CONNECTION_STRING is set,
// e.g. esdb://127.0.0.1:2113?tls=false (see README). Streams get fresh names per test, so a
// shared server is fine.
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

// jest.config.js only collects this file when the variable is set (no node can run on
// these machines), so it never passes vacuously.
if (!connectionString) throw new Error('EVENTSTORE_CONNECTION_STRING is required for the real EventStoreDB contract suite');

describeEventStoreContract(
  'EventStoreDB adapter against a real EventStoreDB',
  async () => {
    const store = new EsdbEventStore(connectionString);
    return { store, cleanup: () => store.close() };
  },
  { eventIdReuse: 'best-effort' },
);
