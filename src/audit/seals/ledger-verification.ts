/**
 * Seal and verify through the event-store port only (readAll/readStream/append), so both
 * run against SQLite and EventStoreDB alike; shared by the service, HTTP and the audit CLI.
 */
import { EventStore } from '../../event-store/event-store.port';
import { WrongExpectedVersion } from '../../event-store/errors';
import { yieldToEventLoop } from '../../kernel/event-loop';
import { BrokenLink, sealBatch } from '../tamper-chain';
import {
  ChainFold,
  compareHeads,
  foldSeals,
  Heads,
  SealFinding,
  sealData,
  sealEvent,
  SealRecord,
  SEALS_STREAM,
  toSealRecord,
} from './seal';
import { ChainLink, ChainLinkSource, linksFromStore } from './chain-links';

export async function readSeals(store: EventStore): Promise<SealRecord[]> {
  return (await store.readStream(SEALS_STREAM)).map(toSealRecord);
}

/**
 * Feeds every event after `fold.verifiedThrough` to the fold, page by page, with a turn of
 * the event loop between pages; `onLink` sees each before it is folded. `from`: where the
 * links are read (default: through the port, on this thread).
 */
export async function catchUp(from: EventStore | ChainLinkSource, fold: ChainFold, onLink?: (link: ChainLink) => void): Promise<void> {
  const source = 'read' in from ? from : linksFromStore(from);
  for (;;) {
    const page = await source.read(fold.verifiedThrough);
    for (const link of page) {
      onLink?.(link);
      fold.add(link);
    }
    if (page.length < source.pageSize) return;
    await yieldToEventLoop();
  }
}

export interface SealSummary {
  revision: number;
  position: number;
  sealedAt: string;
  throughPosition: number;
  streams: number;
  root: string;
}

export interface VerifyReport {
  verdict: 'intact' | 'broken';
  eventsRead: number;
  headPosition: number;
  chain: { intact: boolean; broken: BrokenLink[] };
  /** Absent when the ledger has never been sealed. */
  seal?: SealSummary & { source: 'store' | 'export'; holds: boolean; findings: SealFinding[] };
  /** Events after the latest seal's position (the seals stream excluded): no seal vouches for them yet. */
  notYetSealed: number;
}

export const sealSummary = (s: SealRecord): SealSummary => ({
  revision: s.revision,
  position: s.position,
  sealedAt: s.sealedAt,
  throughPosition: s.throughPosition,
  streams: s.streams,
  root: s.root,
});

/**
 * Reads the whole log once: checks every chain, recomputes every stream's head as of the
 * latest seal's position and compares them with what the seal committed to. `against`:
 * seals exported earlier (kept outside the store) instead of the store's own seals stream.
 * `links`: where the events are read and hashed (default: through the port, on this thread).
 */
export async function verifyLedger(store: EventStore, against?: SealRecord[], links?: ChainLinkSource): Promise<VerifyReport> {
  const seals = against ?? (await readSeals(store));
  const folded = foldSeals(seals);
  const latest = seals[seals.length - 1];
  const fold = new ChainFold();
  let asOfSeal: Heads | undefined;
  let notYetSealed = 0;
  await catchUp(links ?? store, fold, (link) => {
    if (!latest || link.position <= latest.throughPosition) return;
    asOfSeal ??= fold.snapshot();
    if (link.streamId !== SEALS_STREAM) notYetSealed += 1;
  });
  const findings = latest ? [...folded.findings, ...compareHeads(folded.heads, asOfSeal ?? fold.snapshot())] : [];
  if (against) findings.push(...(await exportDifferences(store, against)));
  const chainIntact = fold.broken.length === 0;
  return {
    verdict: chainIntact && findings.length === 0 ? 'intact' : 'broken',
    eventsRead: fold.events,
    headPosition: fold.verifiedThrough,
    chain: { intact: chainIntact, broken: fold.broken },
    seal: latest ? { ...sealSummary(latest), source: against ? 'export' : 'store', holds: findings.length === 0, findings } : undefined,
    notYetSealed,
  };
}

/** Seals in the export that the store's seals stream no longer holds as exported. */
async function exportDifferences(store: EventStore, exported: SealRecord[]): Promise<SealFinding[]> {
  const stored = new Map((await readSeals(store)).map((s) => [s.revision, s]));
  return exported
    .filter((s) => stored.get(s.revision)?.root !== s.root)
    .map((s) => {
      const found = stored.get(s.revision);
      return {
        streamId: `${SEALS_STREAM}@${s.revision}`,
        reason: found ? 'rewritten' : 'stream_missing',
        expected: { revision: s.revision, hash: s.root },
        found: found ? { revision: found.revision, hash: found.root } : null,
      };
    });
}

/**
 * Appends a seal over the fold's heads (everything verified so far), after the latest seal:
 * the expected revision makes a concurrent sealer (another process) fail instead of forking
 * the list of changes; the caller re-reads and retries. Returns undefined if nothing changed.
 */
export async function appendSeal(
  store: EventStore,
  fold: ChainFold,
  seals: SealRecord[],
  id: string,
  recordedAt: string,
): Promise<SealRecord | undefined> {
  const latest = seals[seals.length - 1];
  const data = sealData(foldSeals(seals).heads, fold.heads, fold.verifiedThrough);
  if (latest && data.changed.length === 0 && data.streams === latest.streams) return undefined;
  const previous = latest ? (await store.readStream(SEALS_STREAM, { fromRevision: latest.revision, maxCount: 1 }))[0] : undefined;
  const [event] = sealBatch(SEALS_STREAM, [sealEvent(id, data, recordedAt)], previous);
  const result = await store.append(SEALS_STREAM, [event], latest ? latest.revision : 'no_stream');
  return { ...data, revision: result.nextExpectedRevision, position: result.position, sealedAt: recordedAt };
}

/** Full read, then a seal; retried once if another process sealed in between. */
export async function sealLedger(
  store: EventStore,
  id: () => string,
  now: () => string,
): Promise<{ seal?: SealRecord; report: VerifyReport }> {
  for (let attempt = 1; ; attempt++) {
    const report = await verifyLedger(store);
    if (report.verdict === 'broken') return { report };
    const fold = new ChainFold();
    await catchUp(store, fold);
    try {
      return { seal: await appendSeal(store, fold, await readSeals(store), id(), now()), report };
    } catch (e) {
      if (!(e instanceof WrongExpectedVersion) || attempt >= 2) throw e;
    }
  }
}
