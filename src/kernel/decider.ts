/**
 * Emmett's decider shape: a pure `decide(command, state) → events`, a pure
 * `evolve(state, event) → state`, and the state before any event.
 */
export interface Decider<State, Command, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** Exhaustiveness guard for `switch` over a discriminated union. */
export function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
