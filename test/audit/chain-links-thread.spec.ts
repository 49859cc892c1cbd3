/**
 * The chain check's reading and hashing on a thread of its own (issue 10): the links the
 * thread hands back are the ones this thread computes, tampering is found the same way,
 * a thread that cannot start costs nothing but the thread, and the verifier uses it for a
 * long pass only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ModuleRef } from '@nestjs/core';
import { ChainLink, linksFromStore } from '../../src/audit/seals/chain-links';
import { ChainVerifier } from '../../src/audit/seals/chain-verifier.service';
import { catchUp, sealLedger, verifyLedger } from '../../src/audit/seals/ledger-verification';
import { AuditService } from '../../src/audit/audit.service';
import type { PolicyCatalog } from '../../src/policy/catalog';
import { ChainFold } from '../../src/audit/seals/seal';
import { THREAD_PAGE, WorkerChainLinks } from '../../src/audit/seals/worker-chain-links';
import { sealBatch } from '../../src/audit/tamper-chain';
import type { NewEvent } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import type { Clock } from '../../src/kernel/clock';

const PERSONS = 7;
const fixedClock: Clock = { now: () => new Date('2025-03-03T00:00:00Z') };
/** More than two of the thread's pages, so that the pass pages through the log. */
const EVENTS = 2 * THREAD_PAGE + 345;

const visit = (i: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type: 'VisitSettled',
  data: { settlementId: `S-${i}`, amounts: { fund: `${i}.00`, cash: '1.50' }, lines: [{ name: '西药', amount: `${i}.00` }] },
  metadata: { schemaVersion: 1, recordedAt: '2025-03-01T00:00:00Z', commandId: `c-${i}` },
});

let dir: string;
let file: string;
let store: SqliteEventStore;

/** Persons' sealed streams interleaved in the log, an unchained stream beside them, and a seal half way. */
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chain-links-'));
  file = path.join(dir, 'ledger.db');
  store = new SqliteEventStore({ path: file, synchronous: 'NORMAL' });
  for (let i = 0; i < EVENTS; i++) {
    const stream = i % 10 === 9 ? 'policy-archive' : `person-P${i % PERSONS}`;
    const previous = (await store.readStream(stream, { direction: 'backwards', maxCount: 1 }))[0];
    const events = stream.startsWith('person-') ? sealBatch(stream, [visit(i)], previous) : [visit(i)];
    await store.append(stream, events, previous ? previous.revision : 'no_stream');
    if (i === THREAD_PAGE)
      await sealLedger(
        store,
        () => '00000000-0000-4000-9000-000000000001',
        () => '2025-03-02T00:00:00.000Z',
      );
  }
});

afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function allLinks(source: { pageSize: number; read(after: number): Promise<ChainLink[]> }): Promise<ChainLink[]> {
  const links: ChainLink[] = [];
  for (let after = 0; ;) {
    const page = await source.read(after);
    links.push(...page);
    if (page.length < source.pageSize) return links;
    after = page[page.length - 1].position;
  }
}

it('hands back, page by page, the links this thread computes from the same rows, the seal included', async () => {
  const onThread = new WorkerChainLinks(file, linksFromStore(store, THREAD_PAGE));
  try {
    const fromThread = await allLinks(onThread);
    expect(fromThread).toHaveLength(EVENTS + 1);
    expect(fromThread).toEqual(await allLinks(linksFromStore(store)));
    expect(fromThread.filter((l) => l.seal).map((l) => l.seal!.throughPosition)).toEqual([THREAD_PAGE + 1]);
  } finally {
    await onThread.close();
  }
});

it('finds a tampered row, a deleted one and ones that no longer parse as the check on this thread does', async () => {
  const copy = path.join(dir, 'tampered.db');
  await store.db.backup(copy);
  const tampered = new SqliteEventStore({ path: copy });
  const onThread = new WorkerChainLinks(copy, linksFromStore(tampered, THREAD_PAGE));
  try {
    tampered.db.prepare('UPDATE events SET data = replace(data, \'"cash":"1.50"\', \'"cash":"0.50"\') WHERE position = 1500').run();
    tampered.db.prepare("DELETE FROM events WHERE stream_id = 'person-P3' AND revision = 40").run();
    // Another person's row cut short: its data no longer parses.
    tampered.db.prepare('UPDATE events SET data = substr(data, 1, 20) WHERE position = 2003').run();
    // And one whose metadata no longer parses, on a stream no other damage touches (a stream's first break is the one named).
    tampered.db.prepare('UPDATE events SET metadata = substr(metadata, 1, 20) WHERE position = 2104').run();
    const here = new ChainFold();
    await catchUp(tampered, here);
    const there = new ChainFold();
    await catchUp(onThread, there);
    expect(there.broken).toEqual(here.broken);
    expect(there.broken.map((b) => [b.position, b.reason])).toEqual([
      [expect.any(Number), 'revision_gap'],
      [1500, 'hash_mismatch'],
      [2003, 'hash_mismatch'],
      [2104, 'missing_hash'],
    ]);
    expect([...there.heads]).toEqual([...here.heads]);
    expect(there.verifiedThrough).toBe(here.verifiedThrough);
  } finally {
    await onThread.close();
    await tampered.close();
  }
});

it('reads on this thread when the thread cannot start, and says so once', async () => {
  const log = jest.fn();
  // A directory is no database: the thread fails as it opens it.
  const broken = new WorkerChainLinks(dir, linksFromStore(store, THREAD_PAGE), log);
  try {
    expect(await allLinks(broken)).toEqual(await allLinks(linksFromStore(store)));
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toMatch(/^chain links read on this thread instead: /);
  } finally {
    await broken.close();
  }
});

it('closes after the page it is reading is answered, not under it; reads after close stay on this thread', async () => {
  const here = linksFromStore(store, THREAD_PAGE);
  const fallback = { pageSize: THREAD_PAGE, read: jest.fn((after: number) => here.read(after)) };
  const onThread = new WorkerChainLinks(file, fallback);
  // Started, answered, so the thread is up; then a page out while close is called.
  await onThread.read(0);
  const out = onThread.read(THREAD_PAGE);
  const order: string[] = [];
  const closing = onThread.close().then(() => order.push('closed'));
  const page = await out.then((links) => (order.push('page'), links));
  await closing;
  expect(order).toEqual(['page', 'closed']);
  // Ending the thread under the page would have failed it over to this thread.
  expect(fallback.read).not.toHaveBeenCalled();
  expect(page).toEqual(await here.read(THREAD_PAGE));
  expect(await onThread.read(0)).toEqual(await here.read(0));
  expect(fallback.read).toHaveBeenCalledTimes(1);
});

describe('ChainVerifier', () => {
  const noCheckpoints = {
    get: () => {
      throw new Error('no read models here');
    },
  } as unknown as ModuleRef;
  const verifier = (verifyOnThreadFrom: number) =>
    new ChainVerifier(
      store,
      fixedClock,
      { next: () => 'id' },
      { sealIntervalMs: 0, verifyIntervalMs: 0, verifyOnThreadFrom },
      noCheckpoints,
    );

  it('names a sealed head whose data no longer parses, on the thread or here, instead of failing the check', async () => {
    const copy = path.join(dir, 'cut-head.db');
    await store.db.backup(copy);
    const cut = new SqliteEventStore({ path: copy });
    // person-P0's head as of the seal (position THREAD_PAGE + 1 or before), cut short.
    const head = cut.db
      .prepare("SELECT position, revision FROM events WHERE stream_id = 'person-P0' AND position <= ? ORDER BY position DESC LIMIT 1")
      .get(THREAD_PAGE + 1) as { position: number; revision: number };
    cut.db.prepare('UPDATE events SET data = substr(data, 1, 20) WHERE position = ?').run(head.position);
    const statuses = [];
    for (const from of [0, EVENTS + 2]) {
      const verifier = new ChainVerifier(
        cut,
        fixedClock,
        { next: () => 'id' },
        { sealIntervalMs: 0, verifyIntervalMs: 0, verifyOnThreadFrom: from },
        noCheckpoints,
      );
      try {
        statuses.push(await verifier.verifyNow({ againstSeal: true }));
      } finally {
        await verifier.onApplicationShutdown();
      }
    }
    await cut.close();
    expect(statuses[0]).toEqual(statuses[1]);
    expect(statuses[0]).toMatchObject({
      state: 'broken',
      broken: { streamId: 'person-P0', position: head.position, reason: 'hash_mismatch' },
      sealFindings: [{ streamId: 'person-P0', reason: 'rewritten', found: { revision: head.revision } }],
    });
  });

  it("a check that cannot read the log is 'failing' with why until one runs through; a busy store is retried, not reported", async () => {
    // The store as the verifier sees it (no file of its own: it reads on this thread), its reads failing as scripted.
    const failures: Array<{ code: string; message: string }> = [
      { code: 'SQLITE_BUSY', message: 'database is locked' },
      { code: 'SQLITE_CORRUPT', message: 'database disk image is malformed' },
    ];
    const scripted = Object.create(store) as SqliteEventStore;
    scripted.readAll = (options) => {
      const failure = failures.shift();
      return failure ? Promise.reject(Object.assign(new Error(failure.message), { code: failure.code })) : store.readAll(options);
    };
    const checks = new ChainVerifier(
      scripted,
      fixedClock,
      { next: () => 'id' },
      { sealIntervalMs: 0, verifyIntervalMs: 0, verifyOnThreadFrom: EVENTS + 2 },
      noCheckpoints,
    );
    try {
      await expect(checks.verifyNow({ againstSeal: true })).rejects.toThrow('database is locked');
      expect(checks.status()).toMatchObject({ state: 'verifying' });
      expect(checks.status().failure).toBeUndefined();
      await expect(checks.verifyNow({ againstSeal: true })).rejects.toThrow('database disk image is malformed');
      expect(checks.status()).toMatchObject({
        state: 'failing',
        failure: {
          since: fixedClock.now().toISOString(),
          error: 'database disk image is malformed (a damaged file: PRAGMA quick_check on LEDGER_DB and LEDGER_READ_DB says which)',
        },
      });
      expect(await checks.verifyNow({ againstSeal: true })).toMatchObject({ state: 'intact', verifiedThrough: EVENTS + 1 });
      expect(checks.status().failure).toBeUndefined();
    } finally {
      await checks.onApplicationShutdown();
    }
  });

  it('reads a pass at least verifyOnThreadFrom events long on the thread, a shorter one here, with the same verdict', async () => {
    const read = jest.spyOn(WorkerChainLinks.prototype, 'read');
    const long = verifier(EVENTS);
    const short = verifier(EVENTS + 2);
    try {
      const onThread = await long.verifyNow({ againstSeal: true });
      expect(read).toHaveBeenCalledTimes(3);
      read.mockClear();
      const here = await short.verifyNow({ againstSeal: true });
      expect(read).not.toHaveBeenCalled();
      expect(onThread).toEqual(here);
      expect(here).toMatchObject({ state: 'intact', verifiedThrough: EVENTS + 1, notYetSealed: EVENTS - THREAD_PAGE - 1 });
    } finally {
      read.mockRestore();
      await long.onApplicationShutdown();
      await short.onApplicationShutdown();
    }
  });

  it('GET /audit/verify reads the whole log on the thread once it is that long, and callers during a pass share it', async () => {
    const read = jest.spyOn(WorkerChainLinks.prototype, 'read');
    const long = verifier(EVENTS);
    const short = verifier(EVENTS + 2);
    try {
      const onThread = new AuditService(store, {} as PolicyCatalog, long);
      const first = onThread.verify();
      const meanwhile = onThread.verify();
      expect(meanwhile).toBe(first);
      const report = await first;
      expect(read).toHaveBeenCalledTimes(3);
      expect(report).toEqual(await verifyLedger(store));
      expect(report).toMatchObject({ verdict: 'intact', eventsRead: EVENTS + 1 });
      // The pass is over: the next caller starts another.
      const next = onThread.verify();
      expect(next).not.toBe(first);
      await next;
      read.mockClear();
      expect(await new AuditService(store, {} as PolicyCatalog, short).verify()).toEqual(report);
      expect(read).not.toHaveBeenCalled();
    } finally {
      read.mockRestore();
      await long.onApplicationShutdown();
      await short.onApplicationShutdown();
    }
  });
});
