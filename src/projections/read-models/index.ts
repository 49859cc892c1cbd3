import type { Projection } from '../projection';
import type { PackSource } from '../person-views';
import { AccountsProjection } from './accounts.projection';
import { DisputesProjection } from './disputes.projection';
import { InstitutionMonthsProjection } from './institution-months.projection';
import { InstitutionsProjection } from './institutions.projection';
import { PersonsProjection } from './persons.projection';

/** Every read model the service keeps, in the order they are applied within one transaction. */
export function allProjections(packs: PackSource): Projection[] {
  return [
    new PersonsProjection(packs),
    new AccountsProjection(),
    new InstitutionMonthsProjection(),
    new InstitutionsProjection(),
    new DisputesProjection(),
  ];
}

/**
 * How every runner of `allProjections` (and the monitor) reads its pages: no read model reads a
 * VisitSettled's `decision.trace`, so the store cuts it before JSON.parse (the read-side
 * worker's live pages are cheaper to read, bench:read-side-live). A rebuild read either way
 * gives the same rows (test/projections/read-without-traces.spec.ts).
 */
export const READ_MODELS_PAGES = { withoutDecisionTraces: true } as const;

export { AccountsProjection, DisputesProjection, InstitutionMonthsProjection, InstitutionsProjection, PersonsProjection };
