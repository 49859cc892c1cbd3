import { randomUUID } from 'node:crypto';

/** The clock and id source are injected so that tests and replay are deterministic. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface IdGenerator {
  next(): string;
}
export const uuidGenerator: IdGenerator = { next: () => randomUUID() };

export const CLOCK = Symbol('CLOCK');
export const ID_GENERATOR = Symbol('ID_GENERATOR');
