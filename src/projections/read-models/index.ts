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

export { AccountsProjection, DisputesProjection, InstitutionMonthsProjection, InstitutionsProjection, PersonsProjection };
