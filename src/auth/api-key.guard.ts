import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_KEY, Role, ROLES_KEY } from '../http/roles';
import { API_KEY_RING, ApiKeyRing } from './api-keys';

/**
 * Every route needs an API key (header `x-api-key`, or `Authorization: Bearer`) unless
 * marked @Public. Routes without @Roles are agency-only. Missing/unknown key → 401,
 * wrong role → 403. Per-institution checks (own visits only) live in the handlers.
 * Authentication is the HTTP layer's (there is no domain error for a missing key), so this
 * guard throws Nest's 401/403 exceptions; the error filter passes them through as they are.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_RING) private readonly keys: ApiKeyRing,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const req = context.switchToHttp().getRequest();
    // The access log and metrics (on the raw Node request under Fastify) name the route pattern, never the URL.
    const raw = req.raw ?? req;
    raw.routePattern = req.routeOptions?.url ?? (req.route?.path !== undefined ? `${req.baseUrl ?? ''}${req.route.path}` : undefined);
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const header =
      (req.headers['x-api-key'] as string | undefined) ?? (req.headers['authorization'] as string | undefined)?.replace(/^Bearer\s+/i, '');
    if (!header) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'missing API key (x-api-key header)' });
    const checked = this.keys.check(header);
    if ('refused' in checked) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: checked.refused });
    const principal = checked.principal;
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? ['agency'];
    if (!roles.includes(principal.role)) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: `role ${principal.role} may not do this (allowed: ${roles.join(', ')})`,
      });
    }
    req.principal = principal;
    // Fastify: the access log (pino-http) sees the raw Node request, so the role goes there too.
    raw.principal = principal;
    return true;
  }
}
