/**
 * The SQLite writer thread (see writer-thread.ts): its own connection to the store's file,
 * the same GroupCommitter, one group per message, replies after the COMMIT.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { AppendRequest, GroupCommitter } from './group-commit';
import { toWire, WireOutcome, WriterOptions, WriterReply } from './writer-thread';

const options = workerData as WriterOptions;
const db = new Database(options.path);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${options.synchronous}`);
db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
const committer = new GroupCommitter(db);

parentPort!.on('message', ({ id, appends }: { id: number; appends: AppendRequest[] }) => {
  let reply: WriterReply;
  try {
    const { headBefore, outcomes } = committer.commit(appends);
    reply = { id, headBefore, outcomes: outcomes.map((o): WireOutcome => ('error' in o ? { error: toWire(o.error) } : o)) };
  } catch (error) {
    reply = { id, failure: toWire(error) };
  }
  parentPort!.postMessage(reply);
});
