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
          let thrown: any;
          try {
            decide(state);
          } catch (e) {
            thrown = e;
          }
          expect(thrown).toBeDefined();
          expect(thrown.code ?? thrown.rule ?? thrown.name).toBe(code);
          if (clause !== undefined) expect(thrown.clause).toEqual(clause instanceof RegExp ? expect.stringMatching(clause) : clause);
        },
        thenInvalid(field: string): void {
          let thrown: any;
          try {
            decide(state);
          } catch (e) {
            thrown = e;
          }
          expect(thrown).toBeDefined();
          expect(thrown.kind).toBe('invalid');
          expect(thrown.field).toBe(field);
        },
      };
    },
  };
}
