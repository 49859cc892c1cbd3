import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent } from '../event-store/event-store.port';
import { CommandContext, DomainEvent, runStreamCommand } from '../event-store/stream-command';
import { upcast } from '../event-store/upcasting';
import { tamperSeal } from '../audit/tamper-chain';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../kernel/clock';
import { NotFound } from '../kernel/errors';
import { StreamCache } from '../event-store/stream-cache';
import { evolvePerson, foldPerson, initialPersonState, occurredAtOf, PersonState, personStreamId } from './person-stream';

export interface WriteOutcome {
  personId: string;
  created: boolean;
  revision: number;
  position: number;
  events: Array<{ type: string; revision: number; position: number; data: unknown }>;
}

/**
 * Load, decide, append with the expected revision, retry on conflict — for the person
 * stream. Handlers pass only the pure decision.
 */
@Injectable()
export class PersonStreamWriter {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  private readonly cache = new StreamCache<PersonState>(2_000);

  /**
   * The person's events and folded state. Events are immutable and streams append-only,
   * so recently used streams stay parsed and folded and only the tail is read: a retried
   * or conflicting command, or another process writing the same file, is seen at the next load.
   */
  async load(personId: string): Promise<{ state: PersonState; events: RecordedEvent[] }> {
    const streamId = personStreamId(personId);
    const cached = this.cache.get(streamId);
    const tail = (await this.store.readStream(streamId, { fromRevision: cached ? cached.events.length : 0 })).map(upcast);
    if (cached && tail.length === 0) return cached;
    if (tail.length > 0 && tail[0].revision !== (cached?.events.length ?? 0)) {
      // Not the continuation we hold (cannot happen to an append-only stream): start afresh.
      this.cache.delete(streamId);
      return this.load(personId);
    }
    const loaded = {
      events: cached ? cached.events.concat(tail) : tail,
      state: tail.reduce(evolvePerson, cached?.state ?? initialPersonState()),
    };
    if (loaded.events.length > 0) this.cache.set(streamId, loaded);
    return loaded;
  }

  async loadExisting(personId: string): Promise<{ state: PersonState; events: RecordedEvent[] }> {
    const loaded = await this.load(personId);
    if (loaded.events.length === 0) throw new NotFound('person', personId);
    return loaded;
  }

  now(): Date {
    return this.clock.now();
  }

  async write(
    personId: string,
    context: CommandContext,
    decide: (state: PersonState) => DomainEvent[],
    options: { mustExist?: boolean } = { mustExist: true },
  ): Promise<WriteOutcome> {
    const outcome = await runStreamCommand<PersonState, WriteOutcome>({
      store: this.store,
      clock: this.clock,
      newId: () => this.ids.next(),
      streamId: personStreamId(personId),
      context,
      // Tamper evidence: each event is hash-chained to the previous one of the stream.
      seal: tamperSeal(personStreamId(personId)),
      fold: foldPerson,
      load: () => this.load(personId),
      decide: (state, events) => {
        if (options.mustExist !== false && events.length === 0) throw new NotFound('person', personId);
        return decide(state).map((e) => ({ ...e, occurredAt: e.occurredAt ?? occurredAtOf(e) }));
      },
      result: (written, state) => ({
        personId,
        created: true,
        revision: written.length ? written[written.length - 1].revision : state.revision,
        position: written.length ? written[written.length - 1].position : 0,
        events: written.map((e) => ({ type: e.type, revision: e.revision, position: e.position, data: e.data })),
      }),
    });
    return { ...outcome.result, created: outcome.created };
  }
}
