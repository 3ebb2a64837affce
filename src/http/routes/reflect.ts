import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mergePatternInput, patternSchema, splitPatternInput } from '../../domain/pattern.ts';
import {
  discoverInput,
  discoverySchema,
  duplicatesQuery,
  duplicatesSchema,
  modelRefreshSchema,
  reflectStatusSchema,
  suggestionsQuery,
  suggestionsSchema,
} from '../../domain/reflect.ts';
import type { Deps } from '../../usecases/context.ts';
import { discoverProposals } from '../../usecases/reflect/discovery.ts';
import { findDuplicateFeedback } from '../../usecases/reflect/duplicates.ts';
import { mergePattern, splitPattern } from '../../usecases/reflect/merge-split.ts';
import { refitModel, reflectStatus, suggestPatterns } from '../../usecases/reflect/suggestions.ts';
import { errors, idParams } from '../schemas.ts';

/** Reflect: suggestions, discovery, merge/split, near-duplicates and the engine's status. */
export function registerReflectRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['patterns'];

  r.get('/api/v1/feedback/:id/suggestions', {
    schema: {
      tags,
      summary:
        'The patterns this feedback most likely belongs to (link one with POST /api/v1/patterns/:id/feedback)',
      params: idParams,
      querystring: suggestionsQuery,
      response: { 200: suggestionsSchema, ...errors(404) },
    },
    handler: async (request) =>
      suggestPatterns(deps, request.actor, request.params.id, request.query.limit ?? 5),
  });
  r.get('/api/v1/feedback/duplicates', {
    schema: {
      tags,
      summary: 'Near-duplicate groups among the inbox (new feedback)',
      querystring: duplicatesQuery,
      response: { 200: duplicatesSchema, ...errors() },
    },
    handler: async (request) => findDuplicateFeedback(deps, request.actor, request.query),
  });
  r.post('/api/v1/patterns/discover', {
    schema: {
      tags,
      summary:
        'Propose patterns for the unlinked inbox. Accept one with POST /api/v1/patterns {title, feedbackIds}; rename by choosing the title, split by posting subsets, reject by ignoring it',
      body: discoverInput,
      response: { 200: discoverySchema, ...errors() },
    },
    handler: async (request) => discoverProposals(deps, request.actor, request.body),
  });
  r.post('/api/v1/patterns/:id/merge', {
    schema: {
      tags,
      summary:
        'Merge this pattern into intoId: links, comments and history move to the survivor; this one keeps answering GET with mergedIntoId',
      params: idParams,
      body: mergePatternInput,
      response: { 200: patternSchema, ...errors(403, 404, 409) },
    },
    handler: async (request) => mergePattern(deps, request.actor, request.params.id, request.body),
  });
  r.post('/api/v1/patterns/:id/split', {
    schema: {
      tags,
      summary: 'Move selected linked feedback to a new pattern',
      params: idParams,
      body: splitPatternInput,
      response: {
        201: z.object({ pattern: patternSchema, created: patternSchema }),
        ...errors(403, 404, 409),
      },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await splitPattern(deps, request.actor, request.params.id, request.body)),
  });
  r.get('/api/v1/reflect/status', {
    schema: {
      tags,
      summary:
        'The pattern engine: representation in use, warnings (e.g. an unreachable embeddings endpoint), index size',
      response: { 200: reflectStatusSchema, ...errors() },
    },
    handler: async (request) => reflectStatus(deps, request.actor),
  });
  r.post('/api/v1/reflect/refit', {
    schema: {
      tags,
      summary:
        'Refit the built-in model on the current corpus now and rebuild the index under it (admins; it also happens by itself each time the corpus doubles). Suggestions keep answering from the current model meanwhile',
      response: { 200: modelRefreshSchema, ...errors(403) },
    },
    handler: async (request) => refitModel(deps, request.actor),
  });
}
