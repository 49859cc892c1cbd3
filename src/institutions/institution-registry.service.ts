import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent } from '../event-store/event-store.port';
import { NotFound } from '../kernel/errors';
import { StreamCache, StreamCacheStats, StreamSource, storeSource } from '../event-store/stream-cache';
import { evolve, initialInstitutionState, InstitutionState } from './institution.events';
import { InstitutionProfile, institutionStreamId } from './institution.types';

export type { InstitutionProfile } from './institution.types';

/**
 * Institutions kept folded. Every settlement looks its institution up, and there are a few
 * hundred to a few thousand institutions per pooling region: all of them fit.
 */
const INSTITUTION_CACHE_SIZE = 5_000;

/**
 * Read side of the registry: an institution's profile and state, folded from its stream
 * `institution-<code>`. Other modules call `find` to learn an institution's level,
 * region and designations.
 */
@Injectable()
export class InstitutionRegistry {
  private readonly cache = new StreamCache<InstitutionState>(INSTITUTION_CACHE_SIZE);
  private readonly source: StreamSource<InstitutionState>;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    this.source = storeSource(store, evolve, initialInstitutionState);
  }

  async find(code: string): Promise<InstitutionProfile | undefined> {
    return (await this.state(code)).profile;
  }

  /** The institution's events as stored (not upcast), for replay and chain verification. */
  events(code: string): Promise<RecordedEvent[]> {
    return this.store.readStream(institutionStreamId(code));
  }

  /**
   * The folded stream; `profile` is undefined for an unknown code.
   * Cached, and invalidated by the institution's own events: each call reads only the
   * revisions after the cached ones (usually none), so a profile change or a month's
   * declaration — written here or by another process — is folded in at the next call.
   */
  async state(code: string): Promise<InstitutionState> {
    return (await this.cache.load(institutionStreamId(code), this.source)).state;
  }

  /** Hit ratio of the institution cache (metrics). */
  cacheStats(): StreamCacheStats {
    return this.cache.stats();
  }

  async stateOrThrow(code: string): Promise<InstitutionState & { profile: InstitutionProfile }> {
    const state = await this.state(code);
    if (!state.profile) throw new NotFound('institution', code);
    return state as InstitutionState & { profile: InstitutionProfile };
  }
}
