import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { calibrationQuery, metricsQuery } from '../../domain/loop.ts';
import type { Deps } from '../../usecases/context.ts';
import { getCalibration } from '../../usecases/loop/calibration.ts';
import { getLoopMetrics } from '../../usecases/loop/metrics.ts';
import { errors } from '../schemas.ts';
import { registerLoopDesignRoutes } from './loop-design.ts';
import { calibrationSchema, metricsSchema } from './loop-schemas.ts';
import { registerLoopShipRoutes } from './loop-ship.ts';

/** Routes of this area; more route files of the area register from here. */
export function registerLoopRoutes(app: FastifyInstance, deps: Deps): void {
  registerLoopDesignRoutes(app, deps);
  registerLoopShipRoutes(app, deps);
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/loop/metrics', {
    schema: {
      tags: ['loop'],
      summary:
        'Loop health: triage time, linked share, lead times, deploy frequency, cycle time, verified share, recurrence; weekly series',
      querystring: metricsQuery,
      response: { 200: metricsSchema, ...errors() },
    },
    handler: async (request) => getLoopMetrics(deps, request.actor, request.query),
  });
  r.get('/api/v1/loop/calibration', {
    schema: {
      tags: ['loop'],
      summary: 'A builder’s calibration: how often their predictions held, mean error in points',
      querystring: calibrationQuery,
      response: { 200: calibrationSchema, ...errors(404) },
    },
    handler: async (request) => getCalibration(deps, request.actor, request.query.userId),
  });
}
