import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createPatternInput,
  linkFeedbackInput,
  patternListQuery,
  patternSchema,
  updatePatternInput,
} from '../../domain/pattern.ts';
import type { Deps } from '../../usecases/context.ts';
import {
  createPattern,
  deletePattern,
  getPattern,
  linkFeedback,
  listPatterns,
  unlinkFeedback,
  updatePattern,
} from '../../usecases/patterns.ts';
import { errors, idParams, noContent, pageOf } from '../schemas.ts';

/** Reflect: patterns and their evidence (feedback links). */
export function registerPatternRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['patterns'];

  r.get('/api/v1/patterns', {
    schema: {
      tags,
      summary: 'List patterns',
      querystring: patternListQuery,
      response: { 200: pageOf(patternSchema), ...errors() },
    },
    handler: async (request) => listPatterns(deps, request.actor, request.query),
  });
  r.post('/api/v1/patterns', {
    schema: {
      tags,
      summary: 'Create a pattern, optionally linking feedback straight away',
      body: createPatternInput,
      response: { 201: patternSchema, ...errors(403) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createPattern(deps, request.actor, request.body)),
  });
  r.get('/api/v1/patterns/:id', {
    schema: {
      tags,
      summary: 'One pattern',
      params: idParams,
      response: { 200: patternSchema, ...errors(404) },
    },
    handler: async (request) => getPattern(deps, request.actor, request.params.id),
  });
  r.patch('/api/v1/patterns/:id', {
    schema: {
      tags,
      summary: 'Change a pattern (status moves are checked)',
      params: idParams,
      body: updatePatternInput,
      response: { 200: patternSchema, ...errors(403, 404, 409) },
    },
    handler: async (request) => updatePattern(deps, request.actor, request.params.id, request.body),
  });
  r.delete('/api/v1/patterns/:id', {
    schema: {
      tags,
      summary: 'Delete a pattern; its feedback goes back to the inbox if it has no other link',
      params: idParams,
      response: { 204: noContent, ...errors(403, 404) },
    },
    handler: async (request, reply) => {
      await deletePattern(deps, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  });
  r.post('/api/v1/patterns/:id/feedback', {
    schema: {
      tags,
      summary: 'Link feedback to the pattern (idempotent)',
      params: idParams,
      body: linkFeedbackInput,
      response: { 200: patternSchema.extend({ added: z.number() }), ...errors(403, 404) },
    },
    handler: async (request) =>
      linkFeedback(deps, request.actor, request.params.id, request.body.feedbackIds),
  });
  r.delete('/api/v1/patterns/:id/feedback/:feedbackId', {
    schema: {
      tags,
      summary: 'Unlink one feedback item',
      params: z.strictObject({ id: z.string().max(100), feedbackId: z.string().max(100) }),
      response: { 200: patternSchema, ...errors(403, 404) },
    },
    handler: async (request) =>
      unlinkFeedback(deps, request.actor, request.params.id, request.params.feedbackId),
  });
}
