/**
 * Seals (issue 11 item 7). The per-stream hash chain cannot see a removed LAST event: the
 * shortened stream is still a valid chain. A seal commits to every stream's head at one log
 * position (a SHA-256 Merkle root over the sorted (streamId, lastRevision, lastEventHash)),
 * so a truncated or rewritten tail before the seal no longer matches. Each seal stores only
 * the heads that changed since the previous seal (folding the seals gives every head) and the
 * root over all of them. Pure: no I/O, no clock.
 */
import type { NewEvent, RecordedEvent } from '../../event-store/event-store.port';
import { sha256Hex } from '../../policy/canonical-json';
import { BrokenLink, GENESIS_HASH } from '../tamper-chain';
import type { ChainLink } from './chain-links';

export const SEALS_STREAM = 'seals';
export const SEAL_EVENT_TYPE = 'LedgerSealed';

/** The head of one stream: its last revision and that event's hash. */
export interface StreamHead {
  revision: number;
  hash: string;
}
export type Heads = ReadonlyMap<string, StreamHead>;
/** [streamId, lastRevision, lastEventHash]: compact, since a seal lists many. */
export type HeadEntry = [string, number, string];

export interface LedgerSealedData {
  /** The seal covers every event at or before this log position (the seals stream excluded). */
  throughPosition: number;
  /** Number of streams committed to. */
  streams: number;
  /** Merkle root over every head (sorted by stream id). */
  root: string;
  /** Heads that changed since the previous seal of the seals stream. */
  changed: HeadEntry[];
}

/** One seal as read (from the store or an exported file). */
export interface SealRecord extends LedgerSealedData {
  revision: number;
  position: number;
  sealedAt: string;
}

/** Streams whose events carry hash/prevHash (written with tamperSeal). */
export function isChainedStream(streamId: string): boolean {
  // mdtrt-: national visit registrations and fee lines (issue 12), sealed like persons.
  return (
    streamId.startsWith('person-') || streamId.startsWith('institution-') || streamId.startsWith('mdtrt-') || streamId === SEALS_STREAM
  );
}

const leafHash = (streamId: string, head: StreamHead): string => sha256Hex(JSON.stringify([streamId, head.revision, head.hash]));
const pairHash = (left: string, right: string): string => sha256Hex(left + right);

/** Merkle root of the heads sorted by stream id; an odd node is carried up unchanged. */
export function merkleRoot(heads: Heads): string {
  let level = [...heads.keys()].sort().map((id) => leafHash(id, heads.get(id)!));
  if (level.length === 0) return sha256Hex('');
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? pairHash(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

/** The heads of `current` that differ from `sealed`, sorted by stream id. */
export function headsChangedSince(sealed: Heads, current: Heads): HeadEntry[] {
  return [...current.keys()]
    .sort()
    .filter((id) => {
      const before = sealed.get(id);
      const now = current.get(id)!;
      return !before || before.revision !== now.revision || before.hash !== now.hash;
    })
    .map((id) => [id, current.get(id)!.revision, current.get(id)!.hash]);
}

/** Every head as of this seal: the previous seal's heads with this seal's changes applied. */
export function applySeal(previous: Heads, seal: LedgerSealedData): Map<string, StreamHead> {
  const heads = new Map(previous);
  for (const [id, revision, hash] of seal.changed) heads.set(id, { revision, hash });
  return heads;
}

export function sealData(sealed: Heads, current: Heads, throughPosition: number): LedgerSealedData {
  return { throughPosition, streams: current.size, root: merkleRoot(current), changed: headsChangedSince(sealed, current) };
}

export function toSealRecord(event: RecordedEvent): SealRecord {
  const data = event.data as LedgerSealedData;
  return { ...data, revision: event.revision, position: event.position, sealedAt: String(event.metadata.recordedAt) };
}

export type SealFindingReason = 'stream_missing' | 'truncated' | 'extended' | 'rewritten' | 'not_in_seal' | 'seal_root_mismatch';

/** A stream (or a seal) whose state before the seal's position is not what the seal committed to. */
export interface SealFinding {
  streamId: string;
  reason: SealFindingReason;
  expected: { revision: number; hash: string } | null;
  found: { revision: number; hash: string } | null;
}

/** Compares the heads a seal committed to with the heads recomputed from the store as of its position. */
export function compareHeads(sealed: Heads, found: Heads): SealFinding[] {
  const findings: SealFinding[] = [];
  for (const id of [...new Set([...sealed.keys(), ...found.keys()])].sort()) {
    const expected = sealed.get(id) ?? null;
    const actual = found.get(id) ?? null;
    const reason = headDifference(expected, actual);
    if (reason) findings.push({ streamId: id, reason, expected, found: actual });
  }
  return findings;
}

function headDifference(expected: StreamHead | null, found: StreamHead | null): SealFindingReason | undefined {
  if (!expected) return 'not_in_seal';
  if (!found) return 'stream_missing';
  if (found.revision < expected.revision) return 'truncated';
  if (found.revision > expected.revision) return 'extended';
  return found.hash === expected.hash ? undefined : 'rewritten';
}

/**
 * Folds the seals in revision order and checks each seal's root against the heads the
 * seals so far add up to (a seal whose list was edited no longer matches its own root).
 */
export function foldSeals(seals: readonly SealRecord[]): { heads: Map<string, StreamHead>; findings: SealFinding[] } {
  let heads = new Map<string, StreamHead>();
  const findings: SealFinding[] = [];
  for (const seal of seals) {
    heads = applySeal(heads, seal);
    const root = merkleRoot(heads);
    if (root !== seal.root)
      findings.push({
        streamId: `${SEALS_STREAM}@${seal.revision}`,
        reason: 'seal_root_mismatch',
        expected: { revision: seal.revision, hash: seal.root },
        found: { revision: seal.revision, hash: root },
      });
  }
  return { heads, findings };
}

/**
 * Incremental chain verification in log order: per stream the next revision and the hash the
 * next event must link to. Feeding events after `verifiedThrough` continues where it stopped.
 */
export class ChainFold {
  /** Heads of every stream except the seals stream (what a seal commits to). */
  readonly heads = new Map<string, StreamHead>();
  /** Per stream (seals included) the revision and hash the next event must link to. */
  readonly links = new Map<string, StreamHead>();
  verifiedThrough = 0;
  events = 0;

  /** Continues from a stored checkpoint (stored only while intact, so each link is also the stream's head). */
  static resumedAt(verifiedThrough: number, events: number, links: ReadonlyMap<string, StreamHead>): ChainFold {
    const fold = new ChainFold();
    fold.verifiedThrough = verifiedThrough;
    fold.events = events;
    for (const [id, link] of links) {
      fold.links.set(id, link);
      if (id !== SEALS_STREAM) fold.heads.set(id, link);
    }
    return fold;
  }
  /** First broken link per stream, in the order found. */
  readonly broken: BrokenLink[] = [];
  private readonly brokenStreams = new Set<string>();

  add(link: ChainLink): void {
    this.verifiedThrough = link.position;
    this.events += 1;
    const broken = this.checkLink(link);
    if (broken && !this.brokenStreams.has(link.streamId)) {
      this.brokenStreams.add(link.streamId);
      this.broken.push(broken);
    }
    const head = { revision: link.revision, hash: link.recomputed };
    this.links.set(link.streamId, { revision: link.revision, hash: link.hash ?? link.recomputed });
    if (link.streamId !== SEALS_STREAM) this.heads.set(link.streamId, head);
  }

  /** A copy of the heads now (for "as of the seal's position"). */
  snapshot(): Map<string, StreamHead> {
    return new Map(this.heads);
  }

  private checkLink(e: ChainLink): BrokenLink | undefined {
    const previous = this.links.get(e.streamId);
    const expectedRevision = previous ? previous.revision + 1 : 0;
    const broken = (reason: BrokenLink['reason'], expected: string, found: string): BrokenLink => ({
      streamId: e.streamId,
      revision: e.revision,
      position: e.position,
      eventId: e.eventId,
      type: e.type,
      reason,
      expected,
      found,
    });
    if (e.revision !== expectedRevision) return broken('revision_gap', String(expectedRevision), String(e.revision));
    if (!isChainedStream(e.streamId)) return undefined;
    if (e.hash === undefined) return broken('missing_hash', e.recomputed, '(none)');
    const prevHash = previous ? previous.hash : GENESIS_HASH;
    const storedPrev = e.prevHash ?? '(none)';
    if (storedPrev !== prevHash) return broken('prev_hash_mismatch', prevHash, storedPrev);
    if (e.recomputed !== e.hash) return broken('hash_mismatch', e.recomputed, e.hash);
    return undefined;
  }
}

/** The seal event to append (chained like every other stream, after the previous seal). */
export function sealEvent(id: string, data: LedgerSealedData, recordedAt: string): NewEvent {
  return { id, type: SEAL_EVENT_TYPE, data, metadata: { schemaVersion: 1, recordedAt } };
}
