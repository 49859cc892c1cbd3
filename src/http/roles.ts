import { SetMetadata, createParamDecorator, ExecutionContext } from '@nestjs/common';

/**
 * API-key roles (issue 4): `institution` settles and reverses only for its own
 * institution code; `agency` does all writes; `auditor` reads and audits only.
 */
export type Role = 'agency' | 'institution' | 'auditor';

export interface Principal {
  role: Role;
  /** Short non-secret id of the key (never the key itself). */
  keyId: string;
  /** For role `institution`: the institution code the key belongs to. */
  institutionCode?: string;
}

export const ROLES_KEY = 'ledger:roles';
export const PUBLIC_KEY = 'ledger:public';

/** Roles allowed on a route or controller. Routes without @Roles are agency-only. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** No key needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The authenticated caller, set on the request by the API-key guard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest().principal;
});

/** "role:keyId" for event metadata. */
export function actorOf(p: Principal): string {
  return p.institutionCode ? `${p.role}:${p.keyId}@${p.institutionCode}` : `${p.role}:${p.keyId}`;
}
