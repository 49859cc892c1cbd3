/**
 * The read-side lists (issue 12 item 4), one convention (src/http/pagination.ts): ordered by
 * a log position, which never changes, so an event appended while a client pages lands
 * after its cursor or before it, never twice and never in place of another.
 */
import { decodeCursor, Page, pageOf } from '../http/pagination';
import type { InstitutionProfile } from '../institutions/institution.types';
import { InvalidInput } from '../kernel/errors';
import type { StatementLine, VisitRecord } from './person-views';
import type { ReadModelStore } from './read-model-store';

/** The position a cursor holds (0 without one); a cursor of another list is a 400 naming `cursor`. */
export function positionAfter(cursor: string | undefined): number {
  const key = decodeCursor(cursor);
  if (key === undefined) return 0;
  if (typeof key !== 'number' || key < 0) throw new InvalidInput('cursor', 'must be a cursor returned by this list');
  return key;
}

export interface ListedInstitution extends InstitutionProfile {
  registeredPosition: number;
}

export function listInstitutions(
  store: ReadModelStore,
  filter: { region?: string },
  limit: number,
  after: number,
): Page<ListedInstitution> {
  const rows = store
    .stmt(
      'SELECT profile, registered_position AS p FROM rm_institution WHERE registered_position > ? AND (? IS NULL OR region = ?) ORDER BY registered_position LIMIT ?',
    )
    .all(after, filter.region ?? null, filter.region ?? null, limit + 1) as Array<{ profile: string; p: number }>;
  return pageOf(
    rows.map((r) => ({ ...(JSON.parse(r.profile) as InstitutionProfile), registeredPosition: r.p })),
    limit,
    (i) => i.registeredPosition,
  );
}

/** A person's settlements, reversed ones included (`reversedPosition` set), in the order they were settled. */
export function listPersonSettlements(store: ReadModelStore, personId: string, limit: number, after: number): Page<VisitRecord> {
  const rows = store
    .stmt('SELECT record FROM rm_person_visit WHERE person_id = ? AND position > ? ORDER BY position LIMIT ?')
    .all(personId, after, limit + 1) as Array<{ record: string }>;
  return pageOf(
    rows.map((r) => JSON.parse(r.record) as VisitRecord),
    limit,
    (v) => v.position,
  );
}

/** An institution's settlements with a visit date from `from` to `to` (inclusive), in the order they were settled. */
export function listInstitutionSettlements(
  store: ReadModelStore,
  code: string,
  from: string,
  to: string,
  limit: number,
  after: number,
): Page<VisitRecord> {
  const rows = store
    .stmt(
      `SELECT p.record FROM rm_institution_visit i JOIN rm_person_visit p ON p.person_id = i.person_id AND p.settlement_id = i.settlement_id
       WHERE i.institution_code = ? AND i.month BETWEEN ? AND ? AND i.position > ? AND json_extract(p.record, '$.visitDate') BETWEEN ? AND ?
       ORDER BY i.position LIMIT ?`,
    )
    .all(code, from.slice(0, 7), to.slice(0, 7), after, from, to, limit + 1) as Array<{ record: string }>;
  return pageOf(
    rows.map((r) => JSON.parse(r.record) as VisitRecord),
    limit,
    (v) => v.position,
  );
}

/** One page of an account statement's lines (the statement's totals are the account's, whatever the page). */
export function pageStatementLines(lines: StatementLine[], limit: number, after: number): Page<StatementLine> {
  return pageOf(
    lines.filter((l) => l.position > after),
    limit,
    (l) => l.position,
  );
}
