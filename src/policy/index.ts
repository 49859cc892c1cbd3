export { PolicyCatalog, PolicyLoadError, defaultPacksDir } from './catalog';
export type { PolicyPack, CityPack, FrameworkPack, Cited } from './catalog';
export { adjudicate, AdjudicationInvariantError } from './engine/adjudicate';
export { monthlyAccountCredit, familyUseAllowed, accountMayPay } from './account-rules';
export type { AccountPurpose } from './account-rules';
export { REASON_CODES, isReasonCode } from './reason-codes';
export type { ReasonCode, ReasonCodeInfo, ReasonKind } from './reason-codes';
