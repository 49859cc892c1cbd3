/**
 * The chain check's reading and hashing on a thread of its own (issue 10): a connection of
 * its own to the events file, each page read with its stored texts and turned into links
 * (linksFromStore, as on any thread); only the links (~250 bytes each) go back to the
 * thread that folds them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store';
import { linksFromStore } from './chain-links';
import type { ChainLinksReply, ChainLinksRequest, ChainLinksWorkerData } from './worker-chain-links';

const { path, pageSize } = workerData as ChainLinksWorkerData;
const links = linksFromStore(new SqliteEventStore({ path }), pageSize);
const port = parentPort!;

port.on('message', ({ id, after }: ChainLinksRequest) => {
  links.read(after).then(
    (page) => port.postMessage({ id, links: page } satisfies ChainLinksReply),
    (e) => port.postMessage({ id, error: e instanceof Error ? e.message : String(e), ...sqliteCode(e) } satisfies ChainLinksReply),
  );
});

/** SQLite's code (SQLITE_BUSY, SQLITE_CORRUPT…) crosses with the message: busy is retried, damaged is reported. */
function sqliteCode(e: unknown): { code?: string } {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? { code } : {};
}
