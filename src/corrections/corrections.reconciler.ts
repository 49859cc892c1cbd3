import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import type { CorrectionApplied } from './correction.events';
import { CorrectionsService } from './commands/apply-correction.command';

const PAGE = 2_000;
/** Only the corrections are read: the log's other events are never parsed by this pass. */
const CORRECTIONS = ['CorrectionApplied'];

/**
 * Issue 15 item 2: a correction writes its plan first, then the institution's and each
 * person's events; a process that dies between streams leaves some undone. At start this
 * reads the log for CorrectionApplied and finishes each (idempotent: keys derived from the
 * correction and the stream, and the person state knows its corrections). It reads the whole
 * log once, in the background, like the family-payment reconciler.
 */
@Injectable()
export class CorrectionsReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('corrections-reconciler');
  private running: Promise<number> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly corrections: CorrectionsService,
  ) {}

  onApplicationBootstrap(): void {
    this.reconcile().catch((e) => this.logger.error(`corrections reconciliation failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** One pass; resolves to the number of corrections looked at. */
  reconcile(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    let seen = 0;
    for (let after = 0; ;) {
      const page = await this.store.readAll({ afterPosition: after, maxCount: PAGE, eventTypes: CORRECTIONS });
      for (const e of page) {
        if (e.type !== 'CorrectionApplied') continue;
        seen++;
        await this.corrections
          .finish((upcast(e) as unknown as CorrectionApplied).data, 'ledger:corrections-reconciler')
          .catch((err) =>
            this.logger.error(
              `correction ${(e.data as { correctionId?: string }).correctionId}: ${err instanceof Error ? err.message : String(err)}`,
            ),
          );
      }
      if (page.length < PAGE) return seen;
      after = page[page.length - 1].position;
    }
  }
}
