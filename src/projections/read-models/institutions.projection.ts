import type { RecordedEvent } from '../../event-store/event-store.port';
import type { InstitutionProfile } from '../../institutions/institution.types';
import type { Projection } from '../projection';
import type { ReadModelStore } from '../read-model-store';

const INSTITUTION_STREAM = 'institution-';

/**
 * The institutions registered, for `GET /institutions` (issue 12 item 4): the profile as
 * changed since, keyed by the registration's log position (immutable, so pages are stable).
 */
export class InstitutionsProjection implements Projection {
  readonly name = 'institutions';
  readonly tables = ['rm_institution'];
  readonly schema = `
    CREATE TABLE IF NOT EXISTS rm_institution (code TEXT PRIMARY KEY, registered_position INTEGER NOT NULL UNIQUE, region TEXT NOT NULL, profile TEXT NOT NULL);`;

  apply(event: RecordedEvent, store: ReadModelStore): void {
    if (!event.streamId.startsWith(INSTITUTION_STREAM)) return;
    if (event.type === 'InstitutionRegistered') {
      const profile = event.data as InstitutionProfile;
      store
        .stmt('INSERT OR IGNORE INTO rm_institution (code, registered_position, region, profile) VALUES (?, ?, ?, ?)')
        .run(profile.code, event.position, profile.region, JSON.stringify(profile));
    } else if (event.type === 'InstitutionProfileChanged') {
      const code = event.streamId.slice(INSTITUTION_STREAM.length);
      const row = store.stmt('SELECT profile FROM rm_institution WHERE code = ?').get(code) as { profile: string } | undefined;
      if (!row) return;
      const profile: InstitutionProfile = {
        ...JSON.parse(row.profile),
        ...(event.data as { changes: Partial<InstitutionProfile> }).changes,
      };
      store.stmt('UPDATE rm_institution SET region = ?, profile = ? WHERE code = ?').run(profile.region, JSON.stringify(profile), code);
    }
  }
}
