/* eslint-disable @typescript-eslint/no-explicit-any -- stored data of older schema versions is untyped until upcast; typing it would only restate `unknown` casts. */
import { RecordedEvent } from './event-store.port';

/**
 * Events are a contract: once written they are never rewritten. When an event type's
 * data shape changes, its schemaVersion goes up and an upcaster here turns the older
 * shape into the current one as it is read, so deciders and projections only ever see
 * the current shape.
 */
export type Upcaster = (data: any, event: RecordedEvent) => unknown;

const upcasters = new Map<string, Map<number, Upcaster>>();
const currentVersions = new Map<string, number>();

/** Registers the upcaster from `fromVersion` to `fromVersion + 1` for an event type. */
export function registerUpcaster(type: string, fromVersion: number, upcaster: Upcaster): void {
  let byVersion = upcasters.get(type);
  if (!byVersion) upcasters.set(type, (byVersion = new Map()));
  byVersion.set(fromVersion, upcaster);
  currentVersions.set(type, Math.max(currentVersions.get(type) ?? 1, fromVersion + 1));
}

/** The schema version new events of this type are written with. */
export function currentSchemaVersion(type: string): number {
  return currentVersions.get(type) ?? 1;
}

/** Brings a recorded event to the current shape of its type (a copy; the input is untouched). */
export function upcast<E extends RecordedEvent>(event: E): E {
  const target = currentSchemaVersion(event.type);
  let version = event.metadata?.schemaVersion ?? 1;
  if (version >= target) return event;
  let data: unknown = event.data;
  const byVersion = upcasters.get(event.type)!;
  while (version < target) {
    const step = byVersion.get(version);
    if (!step) throw new Error(`no upcaster for ${event.type} v${version}`);
    data = step(data, event);
    version += 1;
  }
  return { ...event, data, metadata: { ...event.metadata, schemaVersion: version, upcastFrom: event.metadata?.schemaVersion ?? 1 } };
}
