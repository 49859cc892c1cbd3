/**
 * `npm run bench:in-flight-heap [-- --settlements 100] [--rounds 3]`
 *
 * Heap a settlement keeps alive while it waits for its group commit (issue 10: under load
 * ~50 settlements are in flight, and what they hold is what every scavenge copies; the main
 * isolate's GC pauses were ~10-15 % of its time in `bench:settle`). The service in process on a
 * file store with its writer thread (synchronous=NORMAL, read side inline), the API over HTTP
 * (`scripts/ledger-client`); each round holds `--settlements` settlements of distinct persons
 * at two points and measures `heapUsed` after a full GC against the same moment with none:
 *  - baseline: at the append, before the store takes them (sealed, each with its data text);
 *  - at the commit: the store has sent them to the writer thread, which holds the group's
 *    answer (what a settlement keeps for the commit's round trip, a few ms under load).
 * The first arrival commits alone, so the others go as the next group; that group is held.
 * Runs with --expose-gc (the npm script passes it).
 */
import { startLedger } from '../scripts/ledger-client';
import { parseCommandLine } from '../src/config/command-line';
import type { AppendResult, ExpectedRevision, NewEvent } from '../src/event-store/event-store.port';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import { WriterThread } from '../src/event-store/sqlite/writer-thread';
import { benchEmployee, benchInstitution, heapAfterGc as heapOf } from './bench-fixtures';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const FLAGS = parseCommandLine('bench:in-flight-heap', 'npm run bench:in-flight-heap [-- --settlements 100] [--rounds 3]', {
  args: process.argv.slice(2),
  options: { settlements: { type: 'string' }, rounds: { type: 'string' } },
}).values;

const heapAfterGc = (): number => heapOf('bench:in-flight-heap');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await pause(5);
}

type Hold = 'append' | 'commit';

/** The embedded store, with a gate that holds appends before it takes them, or their group's answer from the writer thread. */
class HeldStore extends SqliteEventStore {
  holding: Hold | undefined;
  arrived = 0;
  private waiting: Array<() => void> = [];
  /** Groups sent to the writer thread while holding at the commit: their sizes and how to let their answers through. */
  readonly groups: Array<{ size: number; release: () => void }> = [];

  override async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.holding) this.arrived++;
    if (this.holding === 'append') await new Promise<void>((resolve) => this.waiting.push(resolve));
    return super.append(streamId, events, expected);
  }

  releaseAll(): void {
    this.holding = undefined;
    for (const resolve of this.waiting.splice(0)) resolve();
    for (const group of this.groups.splice(0)) group.release();
  }
}

function holdAnswers(store: HeldStore): void {
  const commit = WriterThread.prototype.commit;
  WriterThread.prototype.commit = function (this: WriterThread, group) {
    const answer = commit.call(this, group);
    if (store.holding !== 'commit') return answer;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    store.groups.push({ size: group.length, release });
    return released.then(() => answer);
  };
}

const visit = (personId: string, n: number) => ({
  settlementId: `S-${personId}-${n}`,
  visitId: `V-${personId}-${n}`,
  institutionCode: 'NY-L2',
  occurredAt: `2023-${String(2 + n).padStart(2, '0')}-10T09:00:00+08:00`,
  medType: 'ordinary',
  lines: [{ code: 'A01', name: '诊查费', amount: '200.00', inCatalogue: true, category: 'consultation' }],
});

async function main(): Promise<void> {
  const count = Number(FLAGS.settlements ?? 100);
  const rounds = Number(FLAGS.rounds ?? 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-in-flight-'));
  const file = path.join(dir, 'ledger.db');
  const store = new HeldStore({ path: file, synchronous: 'NORMAL', pollIntervalMs: 50, writer: 'thread' });
  holdAnswers(store);
  const ledger = await startLedger({ store, path: file, start: '2023-12-31T12:00:00+08:00' });
  try {
    await ledger.must('/institutions', benchInstitution());
    // Persons for every round and hold point, each with a first visit: their entries are cached and warm.
    const persons = Array.from({ length: count * rounds * 2 }, (_, i) => `F${i}`);
    for (const personId of persons) {
      await ledger.must('/persons', benchEmployee(personId));
      await ledger.must(`/persons/${personId}/visits`, visit(personId, 0));
    }
    await pause(300);
    const held = async (hold: Hold, batch: string[]): Promise<{ kb: number; held: number }> => {
      // The inline read side has applied the settlements before (it polls): its work is not counted.
      await pause(500);
      const before = heapAfterGc();
      store.holding = hold;
      store.arrived = 0;
      const answered = batch.map((personId) => ledger.must(`/persons/${personId}/visits`, visit(personId, 1)));
      await until(() => store.arrived === batch.length);
      await pause(50);
      let heldCount = batch.length;
      if (hold === 'commit') {
        // The first arrival went alone; let it answer, so the rest go as the next group, which is held.
        store.groups[0].release();
        await until(() => store.groups.length === 2);
        await pause(50);
        heldCount = store.groups[1].size;
      }
      const during = heapAfterGc();
      store.releaseAll();
      await Promise.all(answered);
      return { kb: (during - before) / heldCount / 1024, held: heldCount };
    };
    process.stdout.write(`bench:in-flight-heap — heap per settlement in flight (KB, after a full GC), ${count} at a time\n`);
    const ratios: number[] = [];
    const atCommit: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const at = persons.slice(2 * r * count, (2 * r + 1) * count);
      const after = persons.slice((2 * r + 1) * count, (2 * r + 2) * count);
      const append = await held('append', at);
      const commit = await held('commit', after);
      process.stdout.write(
        `  round ${r + 1}: waiting for its commit ${commit.kb.toFixed(1)} KB (${commit.held} held)  | baseline, at the append ${append.kb.toFixed(1)} KB (${append.held} held)  (${(commit.kb / append.kb).toFixed(2)}×)\n`,
      );
      atCommit.push(commit.kb);
      ratios.push(commit.kb / append.kb);
    }
    process.stdout.write(
      `  median: waiting for its commit ${median(atCommit).toFixed(1)} KB, ${median(ratios).toFixed(2)}× the baseline\n`,
    );
  } finally {
    await ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
