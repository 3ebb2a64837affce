import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../usecases/context.ts';

/** Routes of this area; more route files of the area register from here. */
export function registerBuilderRoutes(_app: FastifyInstance, _deps: Deps): void {}
