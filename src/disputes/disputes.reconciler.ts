import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { CorrectionApplied } from '../corrections/correction.events';
import { EVENT_STORE, EventStore, RecordedEvent } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import { DisputesService } from './commands/disputes.command';

const PAGE = 2_000;
/** Only the corrections are read: the log's other events are never parsed by this pass. */
const CORRECTIONS = ['CorrectionApplied'];

/**
 * Issue 15 item 1: upholding applies the correction first (its key: the uphold's key +
 * ':correction', caused by the uphold's key), then writes DisputeUpheld. A process that dies
 * between the two leaves the dispute open with its correction applied; at start this reads
 * the log and writes the missing DisputeUpheld under the uphold's own key (so the client's
 * retry finds it and writes nothing). A correction posted directly with a disputeId links
 * to the dispute but does not resolve it. One read of the whole log, in the background.
 */
@Injectable()
export class DisputesReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('disputes-reconciler');
  private running: Promise<number> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly disputes: DisputesService,
  ) {}

  onApplicationBootstrap(): void {
    this.reconcile().catch((e) => this.logger.error(`disputes reconciliation failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** One pass; resolves to the number of DisputeUpheld written. */
  reconcile(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    let written = 0;
    for (let after = 0; ;) {
      const page = await this.store.readAll({ afterPosition: after, maxCount: PAGE, eventTypes: CORRECTIONS });
      for (const e of page) if (upholdOf(e) && (await this.finish(e))) written++;
      if (page.length < PAGE) return written;
      after = page[page.length - 1].position;
    }
  }

  private async finish(e: RecordedEvent): Promise<boolean> {
    const data = (upcast(e) as unknown as CorrectionApplied).data;
    try {
      return await this.disputes.finishUphold(data.disputeId!, data.correctionId, String(e.metadata.causationId), data.appliedBy.keyId);
    } catch (err) {
      this.logger.error(`dispute ${data.disputeId}: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }
}

/** A CorrectionApplied written by an uphold (not a correction posted with a disputeId). */
function upholdOf(e: RecordedEvent): boolean {
  if (e.type !== 'CorrectionApplied' || !(e.data as { disputeId?: string }).disputeId) return false;
  const { commandId, causationId } = e.metadata;
  return typeof causationId === 'string' && commandId === `${causationId}:correction`;
}
