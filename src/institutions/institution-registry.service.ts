import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import { NotFound } from '../kernel/errors';
import { foldInstitution, InstitutionState } from './institution.events';
import { InstitutionProfile, institutionStreamId } from './institution.types';

export type { InstitutionProfile } from './institution.types';

/**
 * Read side of the registry: an institution's profile and state, folded from its stream
 * `institution-<code>`. Other modules call `find` to learn an institution's level,
 * region and designations.
 */
@Injectable()
export class InstitutionRegistry {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async find(code: string): Promise<InstitutionProfile | undefined> {
    return (await this.state(code)).profile;
  }

  /** The folded stream; `profile` is undefined for an unknown code. */
  /** The institution's events as stored (not upcast), for replay and chain verification. */
  events(code: string): Promise<RecordedEvent[]> {
    return this.store.readStream(institutionStreamId(code));
  }

  async state(code: string): Promise<InstitutionState> {
    const events = (await this.store.readStream(institutionStreamId(code))).map(upcast);
    return foldInstitution(events);
  }

  async stateOrThrow(code: string): Promise<InstitutionState & { profile: InstitutionProfile }> {
    const state = await this.state(code);
    if (!state.profile) throw new NotFound('institution', code);
    return state as InstitutionState & { profile: InstitutionProfile };
  }
}
