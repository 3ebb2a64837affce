import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createOptionInput, decisionInput, optionSchema } from '../../domain/loop.ts';
import type { Deps } from '../../usecases/context.ts';
import { addOption, decideImprovement, unvoteOption, voteForOption } from '../../usecases/loop/design.ts';
import { getImpact } from '../../usecases/loop/impact.ts';
import { errors, idParams, noContent } from '../schemas.ts';
import { impactSchema, improvementDetailSchema } from './loop-schemas.ts';

const optionParams = z.strictObject({ id: z.string().min(1).max(100), optionId: z.string().min(1).max(100) });

/** Brainstorm, decide and verify: options, votes, the decision with its prediction, the measured impact. */
export function registerLoopDesignRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['improvements'];

  r.post('/api/v1/improvements/:id/options', {
    schema: {
      tags,
      summary: 'Add a design option (while proposed or designing)',
      params: idParams,
      body: createOptionInput,
      response: { 201: optionSchema, ...errors(403, 404, 409) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await addOption(deps, request.actor, request.params.id, request.body)),
  });
  r.post('/api/v1/improvements/:id/options/:optionId/votes', {
    schema: {
      tags,
      summary: 'Vote for an option: one vote per person (a second is a 409)',
      params: optionParams,
      body: z.strictObject({}).optional(),
      response: { 201: optionSchema, ...errors(403, 404, 409) },
    },
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(await voteForOption(deps, request.actor, request.params.id, request.params.optionId)),
  });
  r.delete('/api/v1/improvements/:id/options/:optionId/votes', {
    schema: {
      tags,
      summary: 'Take your vote back',
      params: optionParams,
      response: { 204: noContent, ...errors(403, 404) },
    },
    handler: async (request, reply) => {
      await unvoteOption(deps, request.actor, request.params.id, request.params.optionId);
      return reply.code(204).send(null);
    },
  });
  r.post('/api/v1/improvements/:id/decision', {
    schema: {
      tags,
      summary: 'Decide: chosen option, rationale, prediction on an addressed pattern; designing → building',
      params: idParams,
      body: decisionInput,
      response: { 200: improvementDetailSchema, ...errors(403, 404, 409) },
    },
    handler: async (request) => decideImprovement(deps, request.actor, request.params.id, request.body),
  });
  r.get('/api/v1/improvements/:id/impact', {
    schema: {
      tags,
      summary:
        'Measured impact per addressed pattern: windows, counts, rates, z-test, verdict (see docs/impact.md)',
      params: idParams,
      response: { 200: impactSchema, ...errors(404) },
    },
    handler: async (request) => getImpact(deps, request.actor, request.params.id),
  });
}
