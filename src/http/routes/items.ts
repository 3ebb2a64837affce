import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  commentSchema,
  createCommentInput,
  eventSchema,
  ITEM_COLLECTIONS,
  type ItemCollection,
  updateCommentInput,
} from '../../domain/comment.ts';
import { listQuery } from '../../domain/common.ts';
import { AppError } from '../../domain/errors.ts';
import {
  createComment,
  deleteComment,
  getHistory,
  listComments,
  updateComment,
} from '../../usecases/comments.ts';
import type { Deps } from '../../usecases/context.ts';
import { errors, idParams, noContent, pageOf } from '../schemas.ts';

const itemParams = z.strictObject({
  collection: z
    .string()
    .max(40)
    .describe(`one of: ${Object.keys(ITEM_COLLECTIONS).join(', ')}`),
  id: z.string().min(1).max(100),
});

/** An unknown collection is an unknown route, not bad input. */
function collectionOf(name: string, url: string): ItemCollection {
  if (!Object.hasOwn(ITEM_COLLECTIONS, name))
    throw new AppError('not_found', `no route ${url.split('?')[0]}`);
  return name as ItemCollection;
}

/** History and discussion, the same for every kind of item. */
export function registerItemRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['history & comments'];

  r.get('/api/v1/:collection/:id/history', {
    schema: {
      tags,
      summary: 'Every change to an item: who, when, each field before and after',
      params: itemParams,
      querystring: listQuery,
      response: { 200: pageOf(eventSchema), ...errors(404) },
    },
    handler: async (request) =>
      getHistory(
        deps,
        request.actor,
        collectionOf(request.params.collection, request.url),
        request.params.id,
        request.query,
      ),
  });
  r.get('/api/v1/:collection/:id/comments', {
    schema: {
      tags,
      summary: 'Comments on an item, oldest first',
      params: itemParams,
      querystring: listQuery,
      response: { 200: pageOf(commentSchema), ...errors(404) },
    },
    handler: async (request) =>
      listComments(
        deps,
        request.actor,
        collectionOf(request.params.collection, request.url),
        request.params.id,
        request.query,
      ),
  });
  r.post('/api/v1/:collection/:id/comments', {
    schema: {
      tags,
      summary: 'Comment on an item (markdown; @email mentions)',
      params: itemParams,
      body: createCommentInput,
      response: { 201: commentSchema, ...errors(403, 404) },
    },
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(
          await createComment(
            deps,
            request.actor,
            collectionOf(request.params.collection, request.url),
            request.params.id,
            request.body,
          ),
        ),
  });
  r.patch('/api/v1/comments/:id', {
    schema: {
      tags,
      summary: 'Edit your comment',
      params: idParams,
      body: updateCommentInput,
      response: { 200: commentSchema, ...errors(403, 404) },
    },
    handler: async (request) => updateComment(deps, request.actor, request.params.id, request.body),
  });
  r.delete('/api/v1/comments/:id', {
    schema: {
      tags,
      summary: 'Delete your comment',
      params: idParams,
      response: { 204: noContent, ...errors(403, 404) },
    },
    handler: async (request, reply) => {
      await deleteComment(deps, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
