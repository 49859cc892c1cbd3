/**
 * The policy archive: every pack version the service has served is kept as an event
 * (`PolicyPackArchived` on stream `policy-archive`), so a decision recorded years ago can
 * be replayed with exactly the pack it named even after the deployment parameters (which
 * enter the version hash) or the pack files have changed. Archived packs are verified on
 * read: a pack whose content does not hash to its version is refused.
 */
import type { Clock } from '../kernel/clock';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port';
import { runStreamCommand } from '../event-store/stream-command';
import { canonicalJson, sha256Hex } from './canonical-json';
import type { PolicyCatalog, PolicyPack } from './catalog';

export const POLICY_ARCHIVE_STREAM = 'policy-archive';

export interface PolicyPackArchived {
  type: 'PolicyPackArchived';
  data: { packId: string; version: string; pack: PolicyPack };
}

/** The content hash a pack's version must equal (the loader's stamp, recomputed). */
export function contentVersion(pack: PolicyPack): string {
  const { version: _version, ...body } = pack as PolicyPack & { version: string };
  return `sha256:${sha256Hex(canonicalJson(body as never))}`;
}

export class ArchivedPackCorrupt extends Error {
  constructor(
    readonly version: string,
    readonly revision: number,
  ) {
    super(`archived policy pack at revision ${revision} does not hash to its version ${version}`);
    this.name = 'ArchivedPackCorrupt';
  }
}

/** The packs archived in these events, each verified against its version. */
export function archivedPacks(events: ReadonlyArray<RecordedEvent>): PolicyPack[] {
  return events
    .filter((e) => e.type === 'PolicyPackArchived')
    .map((e) => {
      const { pack, version } = (e as unknown as RecordedEvent & PolicyPackArchived).data;
      if (pack.version !== version || contentVersion(pack) !== version) throw new ArchivedPackCorrupt(version, e.revision);
      return pack;
    });
}

/** Archives the catalogue's packs not yet in the archive; returns how many were added. */
export async function archiveCatalog(store: EventStore, catalog: PolicyCatalog, clock: Clock, newId: () => string): Promise<number> {
  const versions = catalog
    .packs()
    .map((p) => p.version)
    .sort();
  const outcome = await runStreamCommand<Set<string>, number>({
    store,
    clock,
    newId,
    streamId: POLICY_ARCHIVE_STREAM,
    context: { commandId: `archive:${sha256Hex(versions.join(','))}`, actor: 'system:policy-archive' },
    fold: (events) => new Set(archivedPacks(events).map((p) => p.version)),
    decide: (known) =>
      catalog
        .packs()
        .filter((p) => !known.has(p.version))
        .map((p) => ({ type: 'PolicyPackArchived', data: { packId: p.id, version: p.version, pack: p } })),
    result: (written) => written.length,
  });
  return outcome.created ? outcome.result : 0;
}

/** The catalogue, knowing also every archived version (for replay and explain). */
export async function withArchive(store: EventStore, catalog: PolicyCatalog): Promise<PolicyCatalog> {
  return catalog.withArchived(archivedPacks(await store.readStream(POLICY_ARCHIVE_STREAM)));
}
