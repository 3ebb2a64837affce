import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createKudosInput,
  createReflectionInput,
  kudosListQuery,
  kudosSchema,
  reflectionListQuery,
  reflectionPromptSchema,
  reflectionSchema,
  updateReflectionInput,
} from '../../domain/builder.ts';
import { getKudos, giveKudos, listKudos } from '../../usecases/builders/kudos.ts';
import { reflectionPrompts } from '../../usecases/builders/prompts.ts';
import {
  createReflection,
  deleteReflection,
  getReflection,
  listReflections,
  updateReflection,
} from '../../usecases/builders/reflections.ts';
import type { Deps } from '../../usecases/context.ts';
import { errors, idParams, noContent, pageOf } from '../schemas.ts';

/** The personal loop journal (reflections, with prompts) and kudos between builders. */
export function registerJournalRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['builders'];
  r.get('/api/v1/reflections', {
    schema: {
      tags,
      summary: "Team reflections and the caller's own private ones, newest first",
      querystring: reflectionListQuery,
      response: { 200: pageOf(reflectionSchema), ...errors() },
    },
    handler: async (request) => listReflections(deps, request.actor, request.query),
  });
  r.post('/api/v1/reflections', {
    schema: {
      tags,
      summary: 'Write a reflection',
      body: createReflectionInput,
      response: { 201: reflectionSchema, ...errors(403) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createReflection(deps, request.actor, request.body)),
  });
  r.get('/api/v1/reflections/prompts', {
    schema: {
      tags,
      summary: 'What the caller might reflect on: recent decisions, deploys of their work, verdicts',
      response: { 200: z.object({ items: z.array(reflectionPromptSchema) }), ...errors(403) },
    },
    handler: async (request) => ({ items: await reflectionPrompts(deps, request.actor) }),
  });
  r.get('/api/v1/reflections/:id', {
    schema: {
      tags,
      summary: 'One reflection (a private one only for its author)',
      params: idParams,
      response: { 200: reflectionSchema, ...errors(404) },
    },
    handler: async (request) => getReflection(deps, request.actor, request.params.id),
  });
  r.patch('/api/v1/reflections/:id', {
    schema: {
      tags,
      summary: 'Change your reflection',
      params: idParams,
      body: updateReflectionInput,
      response: { 200: reflectionSchema, ...errors(403, 404) },
    },
    handler: async (request) => updateReflection(deps, request.actor, request.params.id, request.body),
  });
  r.delete('/api/v1/reflections/:id', {
    schema: {
      tags,
      summary: 'Delete your reflection',
      params: idParams,
      response: { 204: noContent, ...errors(403, 404) },
    },
    handler: async (request, reply) => {
      await deleteReflection(deps, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/kudos', {
    schema: {
      tags,
      summary: 'Kudos, newest first',
      querystring: kudosListQuery,
      response: { 200: pageOf(kudosSchema), ...errors() },
    },
    handler: async (request) => listKudos(deps, request.actor, request.query),
  });
  r.post('/api/v1/kudos', {
    schema: {
      tags,
      summary: 'Recognise another builder for a principle (never yourself)',
      body: createKudosInput,
      response: { 201: kudosSchema, ...errors(403) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await giveKudos(deps, request.actor, request.body)),
  });
  r.get('/api/v1/kudos/:id', {
    schema: { tags, summary: 'One kudos', params: idParams, response: { 200: kudosSchema, ...errors(404) } },
    handler: async (request) => getKudos(deps, request.actor, request.params.id),
  });
}
