import type { EventStore } from '../event-store/event-store.port';
import { CommandContext, runStreamCommand } from '../event-store/stream-command';
import type { Clock } from '../kernel/clock';
import { AlertCommand, decideAlert } from './alerts.decide';
import { foldAlertStream } from './alerts.state';

export const MONITOR_ACTOR = 'system:monitoring';

/**
 * Appends alert commands to their alert streams through `runStreamCommand`: the stream's
 * own state decides whether the alert is new, and the deterministic command id
 * (`alert:<alertId>`) makes a replayed or rebuilt monitor's append a no-op.
 */
export class AlertWriter {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  /** True when an event was written. */
  async execute(streamId: string, command: AlertCommand, context: CommandContext): Promise<{ created: boolean; position?: number }> {
    const outcome = await runStreamCommand({
      store: this.store,
      clock: this.clock,
      newId: this.newId,
      streamId,
      context,
      fold: foldAlertStream,
      decide: (state) => decideAlert(command, state),
      result: (written) => (written.length ? written[written.length - 1].position : undefined),
    });
    return { created: outcome.created, ...(outcome.result !== undefined ? { position: outcome.result } : {}) };
  }

  raise(streamId: string, commandId: string, command: AlertCommand): Promise<{ created: boolean }> {
    return this.execute(streamId, command, { commandId, actor: MONITOR_ACTOR });
  }
}
