import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { badRequest } from './validation';

const IGNORES_QUERY = 'ledger:ignoresQuery';

/** A page outside the API (the auditor's page): a query string on its URL (a bookmark's, a mail link's) is no request of it. */
export const IgnoresQuery = () => SetMetadata(IGNORES_QUERY, true);

/**
 * The query parameters a route takes: these names, or 'unchecked' here (a query DTO, whose
 * whitelist refuses the rest in the validation pipe; a page outside the API).
 */
type DeclaredQuery = 'unchecked' | ReadonlySet<string>;

/**
 * A query parameter the route does not read is a 400 naming it (`whitelistValidation`, as an
 * unknown body field is). Ignored, it changed the answer without a word:
 * `GET /persons/P1/account?asOf=2023-05-01` answered today's balance to an auditor asking for
 * May's, and `POST /persons/P1/account/credits?dryRun=true` wrote the credit. Routes taking a
 * query DTO are left to the validation pipe's whitelist; routes reading single parameters
 * (`@Query('asOf')`) allow those names; routes reading none allow none.
 * A guard, after the API key's: a caller without a key is told that first.
 */
@Injectable()
export class DeclaredQueryGuard implements CanActivate {
  private readonly declared = new WeakMap<object, DeclaredQuery>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const query = context.switchToHttp().getRequest().query as Record<string, unknown> | undefined;
    if (!query) return true;
    let declared: DeclaredQuery | undefined;
    for (const key in query) {
      declared ??= this.declaredBy(context);
      if (declared !== 'unchecked' && !declared.has(key))
        throw badRequest([{ field: key, rule: 'whitelistValidation', message: `query parameter ${key} is not read by this route` }]);
    }
    return true;
  }

  private declaredBy(context: ExecutionContext): DeclaredQuery {
    const handler = context.getHandler();
    let declared = this.declared.get(handler);
    if (!declared) this.declared.set(handler, (declared = declaredQuery(context.getClass(), handler)));
    return declared;
  }
}

function declaredQuery(controller: object, handler: { name: string }): DeclaredQuery {
  if (Reflect.getMetadata(IGNORES_QUERY, controller) === true) return 'unchecked';
  const args: Record<string, { data?: unknown }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {};
  const queryArgs = Object.entries(args)
    .filter(([key]) => key.split(':')[0] === String(RouteParamtypes.QUERY))
    .map(([, arg]) => arg.data);
  return queryArgs.every((name) => typeof name === 'string') ? new Set(queryArgs as string[]) : 'unchecked';
}
