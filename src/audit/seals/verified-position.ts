/**
 * The chain verifier's progress, kept across restarts (issue 10): the position verified
 * through, the number of events, and every stream's last link (revision and hash), plus the
 * positions no seal covers yet. Stored in the read-model SQLite file (tables of their own,
 * not rebuilt by projections), written only while every chain verified intact.
 *
 * At start the stored links are re-checked against the store, one indexed point read per
 * stream (the event at the stored revision must still hash to the stored hash); any
 * difference discards the checkpoint and the whole log is verified again, so what is
 * reported is exactly what a full pass reports.
 */
import type { EventStore } from '../../event-store/event-store.port';
import { yieldToEventLoop } from '../../kernel/event-loop';
import type { ReadModelStore } from '../../projections/read-model-store';
import { storedEventHash } from '../tamper-chain';
import type { PositionRange } from './position-ranges';
import { isChainedStream, StreamHead } from './seal';

export interface ChainCheckpoint {
  verifiedThrough: number;
  events: number;
  /** The last link of every stream (the seals stream included): revision and event hash. */
  links: ReadonlyMap<string, StreamHead>;
  /** Positions after the latest seal, not yet covered by one (seals stream excluded), as runs of consecutive positions. */
  unsealed: PositionRange[];
}

/** What changed since the previous save: a save costs that, not the size of the log. */
export interface CheckpointChanges {
  streams: Iterable<string>;
  /** Runs of unsealed positions added or extended (by their first position). */
  unsealedChanged: PositionRange[];
  /** Unsealed positions at or before this one are now covered by a seal. */
  sealedThrough: number;
}

export interface ChainCheckpointStore {
  load(): ChainCheckpoint | undefined;
  save(progress: Omit<ChainCheckpoint, 'unsealed'>, changes: CheckpointChanges): void;
  /** Forgets everything (a discarded checkpoint). */
  clear(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS chain_verified (id INTEGER PRIMARY KEY CHECK (id = 1), through INTEGER NOT NULL, events INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS chain_links (stream_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chain_unsealed_runs (from_position INTEGER PRIMARY KEY, to_position INTEGER NOT NULL);`;

/** Before runs, one row per unsealed position: read once into runs, then dropped. */
const OLD_UNSEALED = 'chain_unsealed';

export class ReadModelChainCheckpoints implements ChainCheckpointStore {
  constructor(private readonly rm: ReadModelStore) {
    rm.exec(SCHEMA);
    this.migrateUnsealedPositions();
  }

  /** A file written before runs: its positions become runs (consecutive ones joined), in one transaction. */
  private migrateUnsealedPositions(): void {
    const old = this.rm.stmt("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").get(OLD_UNSEALED);
    if (!old) return;
    this.rm.transaction(() => {
      const runs: PositionRange[] = [];
      for (const position of this.rm.stmt(`SELECT position FROM ${OLD_UNSEALED} ORDER BY position`).pluck().iterate() as Iterable<number>) {
        const last = runs[runs.length - 1];
        if (last && position === last.to + 1) last.to = position;
        else runs.push({ from: position, to: position });
      }
      const insert = this.rm.stmt('INSERT OR REPLACE INTO chain_unsealed_runs (from_position, to_position) VALUES (?, ?)');
      for (const run of runs) insert.run(run.from, run.to);
      this.rm.exec(`DROP TABLE ${OLD_UNSEALED}`);
    });
  }

  load(): ChainCheckpoint | undefined {
    const row = this.rm.stmt('SELECT through, events FROM chain_verified WHERE id = 1').get() as
      { through: number; events: number } | undefined;
    if (!row) return undefined;
    const links = new Map<string, StreamHead>();
    for (const l of this.rm.stmt('SELECT stream_id, revision, hash FROM chain_links').iterate() as Iterable<{
      stream_id: string;
      revision: number;
      hash: string;
    }>) {
      links.set(l.stream_id, { revision: l.revision, hash: l.hash });
    }
    const unsealed = (
      this.rm.stmt('SELECT from_position, to_position FROM chain_unsealed_runs ORDER BY from_position').all() as Array<{
        from_position: number;
        to_position: number;
      }>
    ).map((r) => ({ from: r.from_position, to: r.to_position }));
    return { verifiedThrough: row.through, events: row.events, links, unsealed };
  }

  save(progress: Omit<ChainCheckpoint, 'unsealed'>, changes: CheckpointChanges): void {
    this.rm.transaction(() => {
      const upsert = this.rm.stmt(
        'INSERT INTO chain_links (stream_id, revision, hash) VALUES (?, ?, ?) ON CONFLICT(stream_id) DO UPDATE SET revision = excluded.revision, hash = excluded.hash',
      );
      for (const id of changes.streams) {
        const link = progress.links.get(id);
        if (link) upsert.run(id, link.revision, link.hash);
      }
      // What a seal covers first (a run it cuts starts after it), then the runs added or extended.
      this.rm.stmt('DELETE FROM chain_unsealed_runs WHERE to_position <= ?').run(changes.sealedThrough);
      this.rm
        .stmt('UPDATE chain_unsealed_runs SET from_position = ? + 1 WHERE from_position <= ? AND to_position > ?')
        .run(changes.sealedThrough, changes.sealedThrough, changes.sealedThrough);
      const run = this.rm.stmt(
        'INSERT INTO chain_unsealed_runs (from_position, to_position) VALUES (?, ?) ON CONFLICT(from_position) DO UPDATE SET to_position = excluded.to_position',
      );
      for (const { from, to } of changes.unsealedChanged) run.run(from, to);
      this.rm
        .stmt(
          'INSERT INTO chain_verified (id, through, events) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET through = excluded.through, events = excluded.events',
        )
        .run(progress.verifiedThrough, progress.events);
    });
  }

  clear(): void {
    this.rm.transaction(() => {
      for (const table of ['chain_verified', 'chain_links', 'chain_unsealed_runs']) this.rm.stmt(`DELETE FROM ${table}`).run();
    });
  }
}

/**
 * The first stored link the store no longer holds: the event at the stored revision is gone
 * or hashes differently (its stored hash included). One indexed point read per stream.
 */
export async function firstStaleLink(store: EventStore, links: ReadonlyMap<string, StreamHead>): Promise<string | undefined> {
  let read = 0;
  for (const [streamId, link] of links) {
    // One point read per stream, at start beside the first requests: let them through now and then.
    if (++read % 200 === 0) await yieldToEventLoop();
    const [event] = await store.readStream(streamId, { fromRevision: link.revision, maxCount: 1, withStoredText: true });
    if (!event || event.revision !== link.revision || storedEventHash(event) !== link.hash) return streamId;
    if (isChainedStream(streamId) && event.metadata.hash !== link.hash) return streamId;
  }
  return undefined;
}
