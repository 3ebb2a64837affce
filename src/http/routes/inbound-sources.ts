import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listQuery } from '../../domain/common.ts';
import {
  createdInboundSourceSchema,
  createInboundSourceInput,
  inboundSourceSchema,
} from '../../domain/inbound-source.ts';
import type { Deps } from '../../usecases/context.ts';
import {
  createInboundSource,
  deleteInboundSource,
  listInboundSources,
} from '../../usecases/inbound-sources.ts';
import { errors, idParams, noContent, pageOf } from '../schemas.ts';

/** Admins manage the signed inbound webhooks other systems send feedback through. */
export function registerInboundSourceRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['webhooks'];
  r.get('/api/v1/inbound-sources', {
    schema: {
      tags,
      summary: 'List inbound sources (admin; secrets are never listed)',
      querystring: listQuery,
      response: { 200: pageOf(inboundSourceSchema), ...errors(403) },
    },
    handler: async (request) => listInboundSources(deps, request.actor, request.query),
  });
  r.post('/api/v1/inbound-sources', {
    schema: {
      tags,
      summary: 'Create an inbound source (admin); the response shows its secret once',
      body: createInboundSourceInput,
      response: { 201: createdInboundSourceSchema, ...errors(403) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createInboundSource(deps, request.actor, request.body)),
  });
  r.delete('/api/v1/inbound-sources/:id', {
    schema: {
      tags,
      summary: 'Delete an inbound source (its feedback stays)',
      params: idParams,
      response: { 204: noContent, ...errors(403, 404) },
    },
    handler: async (request, reply) => {
      await deleteInboundSource(deps, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
