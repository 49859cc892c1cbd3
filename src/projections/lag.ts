import type { INestApplicationContext } from '@nestjs/common';
import type { ProjectionLag, ProjectionRunner } from './projection-runner';
import { PROJECTION_RUNNER } from './tokens';

/**
 * Projection lag for /health: head position − the read models' checkpoint. From the health
 * controller inject PROJECTION_RUNNER (exported by ProjectionsModule) and call `lag()`, or
 * call this with the application context.
 */
export function projectionLag(app: Pick<INestApplicationContext, 'get'>): Promise<ProjectionLag> {
  return app.get<ProjectionRunner>(PROJECTION_RUNNER, { strict: false }).lag();
}
export { PROJECTION_RUNNER } from './tokens';
export type { ProjectionLag } from './projection-runner';
