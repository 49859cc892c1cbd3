/**
 * What the SQLite reads `withoutDecisionTraces` (readAll for a rebuild, readStream for a
 * command's load) must give, and events to check them on (issue 10): both specs compare a
 * cut read with a plain one through these.
 */
import fc from 'fast-check';
import type { NewEvent, RecordedEvent } from '../../src/event-store/event-store.port';
import { currentSchemaVersion } from '../../src/event-store/upcasting';
import '../../src/modules/person-upcasters';

export const CURRENT_VISIT_SETTLED = currentSchemaVersion('VisitSettled');

export const newEvent = (i: number, type: string, data: unknown, schemaVersion: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type,
  data,
  metadata: { schemaVersion, recordedAt: '2025-03-01T00:00:00Z' },
});

/** What a reader that drops the trace itself would see: the data, without `decision.trace` where the option may cut it. */
export function withoutTrace(event: RecordedEvent): unknown {
  const cut = event.type === 'VisitSettled' && event.metadata.schemaVersion >= CURRENT_VISIT_SETTLED;
  const d = event.data as { decision?: unknown } | null;
  if (!cut || typeof d !== 'object' || d === null || Array.isArray(d)) return event.data;
  if (typeof d.decision !== 'object' || d.decision === null || Array.isArray(d.decision)) return event.data;
  const decision = { ...(d.decision as Record<string, unknown>) };
  delete decision.trace;
  return { ...d, decision };
}

export const json = fc.jsonValue().filter((v) => !(typeof v === 'number' && Object.is(v, -0)));

const settledData = fc.record({
  settlementId: fc.string(),
  // A decision's own members beside the trace, and any others.
  decision: fc.oneof(
    fc
      .tuple(
        fc.record({ amounts: json, national: json, year: json, trace: json }, { requiredKeys: ['trace'] }),
        fc.dictionary(fc.string(), json),
      )
      .map(([own, more]) => ({ ...more, ...own })),
    json,
  ),
  visit: json,
});

export interface EventSpec {
  type: string;
  data: unknown;
  schemaVersion: number;
}

/** An event that may or may not be cut: VisitSettled (with or without a decision and trace) or another type, at versions around the current one. */
export const anEvent: fc.Arbitrary<EventSpec> = fc.record({
  type: fc.constantFrom('VisitSettled', 'VisitSettled', 'SettlementAdjusted', 'AccountCredited', 'PersonEnrolled'),
  data: fc.oneof(settledData, json),
  schemaVersion: fc.constantFrom(1, CURRENT_VISIT_SETTLED - 1, CURRENT_VISIT_SETTLED, CURRENT_VISIT_SETTLED + 1),
});
