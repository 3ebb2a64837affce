import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createFeedbackBatchInput,
  createFeedbackInput,
  feedbackListQuery,
  feedbackSchema,
  updateFeedbackInput,
} from '../../domain/feedback.ts';
import type { Deps } from '../../usecases/context.ts';
import { deleteFeedback, getFeedback, listFeedback, updateFeedback } from '../../usecases/feedback.ts';
import { ingestFeedback } from '../../usecases/feedback-ingest.ts';
import { errors, idParams, noContent, pageOf } from '../schemas.ts';

const batchResult = z.object({
  created: z.number(),
  existing: z.number(),
  items: z.array(
    z.object({
      index: z.number().describe('position in the request'),
      status: z.enum(['created', 'existing']),
      id: z.string().describe('the stored item (the earlier one when it existed)'),
    }),
  ),
});

/** Observe: feedback in, the triage inbox out. */
export function registerFeedbackRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['feedback'];

  r.post('/api/v1/feedback', {
    bodyLimit: 32 * 1024 * 1024,
    schema: {
      tags,
      summary:
        'Add feedback: one item (201 created, 200 when its source id was seen before) or {items:[…]} up to 1,000',
      description:
        'Idempotent on (source.channel, source.externalId). Contacts and accounts named in `contact` are created or updated.',
      body: z.union([createFeedbackBatchInput, createFeedbackInput]),
      response: { 200: z.union([feedbackSchema, batchResult]), 201: feedbackSchema, ...errors(403, 413) },
    },
    handler: async (request, reply) => {
      const body = request.body;
      if ('items' in body) {
        // A batch answers with ids, not whole items: a thousand full objects would cost more than storing them.
        const result = await ingestFeedback(deps, request.actor, body.items);
        return {
          created: result.created,
          existing: result.existing,
          items: result.items.map((i) => ({ index: i.index, status: i.status, id: i.feedback.id })),
        };
      }
      const result = await ingestFeedback(deps, request.actor, [body]);
      const [only] = result.items;
      return reply.code(only.status === 'created' ? 201 : 200).send(only.feedback);
    },
  });
  r.get('/api/v1/feedback', {
    schema: {
      tags,
      summary: 'List feedback, newest received first; ?status=new is the triage inbox',
      querystring: feedbackListQuery,
      response: { 200: pageOf(feedbackSchema), ...errors() },
    },
    handler: async (request) => listFeedback(deps, request.actor, request.query),
  });
  r.get('/api/v1/feedback/:id', {
    schema: {
      tags,
      summary: 'One feedback item',
      params: idParams,
      response: { 200: feedbackSchema, ...errors(404) },
    },
    handler: async (request) => getFeedback(deps, request.actor, request.params.id),
  });
  r.patch('/api/v1/feedback/:id', {
    schema: {
      tags,
      summary: 'Triage: product, surface, text; dismiss (with a reason) or restore',
      params: idParams,
      body: updateFeedbackInput,
      response: { 200: feedbackSchema, ...errors(403, 404, 409) },
    },
    handler: async (request) => updateFeedback(deps, request.actor, request.params.id, request.body),
  });
  r.delete('/api/v1/feedback/:id', {
    schema: {
      tags,
      summary: 'Delete a feedback item (its history stays)',
      params: idParams,
      response: { 204: noContent, ...errors(403, 404) },
    },
    handler: async (request, reply) => {
      await deleteFeedback(deps, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
