import type { Decider } from '../../src/kernel/decider';
import { foldPerson, PersonState } from '../../src/modules/person-stream';

/** A domain event as the deciders emit it. */
export type Emitted = { type: string; data: unknown };

/**
 * Given-events / when-command / then-events for the person stream's deciders:
 * `given(events).when(state => decide(...)).then(expectedEvents)` or `.thenRefuses(code)`.
 */
export function given(events: Emitted[]) {
  const state: PersonState = foldPerson(events.map((e, i) => ({ ...e, revision: i })));
  return {
    state,
    when(decide: (state: PersonState) => Emitted[]) {
      return {
        then(expected: Emitted[]): void {
          expect(decide(state)).toEqual(expected);
        },
        thenRefuses(code: string, clause?: string | RegExp): void {
          const thrown = thrownBy(() => decide(state));
          expect(thrown.code ?? thrown.rule ?? thrown.name).toBe(code);
          if (clause !== undefined) expect(thrown.clause).toEqual(clause instanceof RegExp ? expect.stringMatching(clause) : clause);
        },
        thenInvalid(field: string): void {
          const thrown = thrownBy(() => decide(state));
          expect(thrown.kind).toBe('invalid');
          expect(thrown.field).toBe(field);
        },
      };
    },
  };
}

/** The error `run` throws; fails the test if it throws nothing. */
function thrownBy(run: () => unknown): any {
  try {
    run();
  } catch (e) {
    return e;
  }
  throw new Error('expected the decider to refuse, but it decided');
}

/**
 * The same for any stream with a decider object (src/kernel/decider.ts, Emmett's shape): the
 * state is only ever the fold of the given events.
 */
export function deciderSpec<State, Command, Event>(decider: Decider<State, Command, Event>) {
  return (given: Event[]) => {
    const state = given.reduce(decider.evolve, decider.initialState());
    return {
      when: (command: Command) => ({
        then: (expected: Event[]) => expect(decider.decide(command, state)).toEqual(expected),
        thenThrows: (error: RegExp | (new (...args: never[]) => Error)) => expect(() => decider.decide(command, state)).toThrow(error),
      }),
    };
  };
}
