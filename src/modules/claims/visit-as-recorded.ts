import type { BillLine, InstitutionFacts, VisitFacts } from '../../policy/engine/types';

/** A visit's members (VisitFacts), sorted: the order VisitSettled stores them in. */
const VISIT_KEYS = new Set([
  'directSettlement',
  'institution',
  'lines',
  'medType',
  'occurredAt',
  'offSite',
  'prescriptionDays',
  'referral',
  'settledAt',
  'visitId',
]);
/** A bill line's members (BillLine), sorted. */
const LINE_KEYS = new Set(['amount', 'category', 'code', 'costKind', 'inCatalogue', 'name']);

/**
 * The visit as VisitSettled records it: the request's visit with the institution's facts,
 * members inserted in canonical key order, so that sealing stores it as it is (issue 10: the
 * request's order is the client's, and sealing made a sorted copy of the visit and of each
 * line for every settlement). The same JSON value as `{ ...visit, institution }`: undefined
 * members are dropped as sealing drops them, and a visit or line with a member the types do
 * not name is copied as it comes (sealing then orders it).
 */
export function visitAsRecorded(visit: Omit<VisitFacts, 'institution'>, institution: InstitutionFacts): VisitFacts {
  if (!onlyKnownKeys(visit, VISIT_KEYS) || !Array.isArray(visit.lines)) return { ...visit, institution };
  const recorded: Partial<VisitFacts> = {};
  if (visit.directSettlement !== undefined) recorded.directSettlement = visit.directSettlement;
  recorded.institution = institution;
  recorded.lines = visit.lines.map(lineAsRecorded);
  recorded.medType = visit.medType;
  recorded.occurredAt = visit.occurredAt;
  if (visit.offSite !== undefined) recorded.offSite = visit.offSite;
  if (visit.prescriptionDays !== undefined) recorded.prescriptionDays = visit.prescriptionDays;
  if (visit.referral !== undefined) recorded.referral = visit.referral;
  recorded.settledAt = visit.settledAt;
  recorded.visitId = visit.visitId;
  return recorded as VisitFacts;
}

function lineAsRecorded(line: BillLine): BillLine {
  if (!onlyKnownKeys(line, LINE_KEYS)) return { ...line };
  const recorded: Partial<BillLine> = { amount: line.amount };
  if (line.category !== undefined) recorded.category = line.category;
  recorded.code = line.code;
  if (line.costKind !== undefined) recorded.costKind = line.costKind;
  recorded.inCatalogue = line.inCatalogue;
  if (line.name !== undefined) recorded.name = line.name;
  return recorded as BillLine;
}

function onlyKnownKeys(value: object, known: ReadonlySet<string>): boolean {
  for (const key in value) if (!known.has(key)) return false;
  return true;
}
