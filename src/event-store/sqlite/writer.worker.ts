/**
 * The SQLite writer thread (see writer-thread.ts): its own connection to the store's file,
 * the same GroupCommitter, one group (or write probe) per message, replies after the COMMIT.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { GroupCommitter } from './group-commit';
import { toWire, WireOutcome, WriterOptions, WriterReply, WriterRequest } from './writer-thread';

const options = workerData as WriterOptions;
const db = new Database(options.path);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${options.synchronous}`);
db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
const committer = new GroupCommitter(db);

parentPort!.on('message', (request: WriterRequest) => {
  let reply: WriterReply;
  try {
    reply = { id: request.id, ...run(request) };
  } catch (error) {
    reply = { id: request.id, failure: toWire(error) };
  }
  parentPort!.postMessage(reply);
});

/** A group's commit, or a write probe (answered as an empty group once its commit is durable). */
function run({ appends, probeAt }: WriterRequest): { headBefore: number; outcomes: WireOutcome[] } {
  if (probeAt !== undefined) {
    committer.probe(probeAt);
    return { headBefore: 0, outcomes: [] };
  }
  const { headBefore, outcomes } = committer.commit(appends);
  return { headBefore, outcomes: outcomes.map((o): WireOutcome => ('error' in o ? { error: toWire(o.error) } : o)) };
}
