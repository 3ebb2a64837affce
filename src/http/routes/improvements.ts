import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createDeployInput, deployListQuery, deploySchema, updateDeployInput } from '../../domain/deploy.ts';
import {
  createImprovementInput,
  improvementListQuery,
  improvementSchema,
  updateImprovementInput,
} from '../../domain/improvement.ts';
import type { Deps } from '../../usecases/context.ts';
import { createDeploy, deleteDeploy, getDeploy, listDeploys, updateDeploy } from '../../usecases/deploys.ts';
import {
  createImprovement,
  deleteImprovement,
  listImprovements,
  updateImprovement,
} from '../../usecases/improvements.ts';
import { getImprovementDetail } from '../../usecases/loop/design.ts';
import { errors, idParams, noContent, pageOf } from '../schemas.ts';
import { improvementDetailSchema } from './loop-schemas.ts';

/** Design and ship: improvements and the deploys that carry them. */
export function registerImprovementRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  let tags = ['improvements'];

  r.get('/api/v1/improvements', {
    schema: {
      tags,
      summary: 'List improvements',
      querystring: improvementListQuery,
      response: { 200: pageOf(improvementSchema), ...errors() },
    },
    handler: async (request) => listImprovements(deps, request.actor, request.query),
  });
  r.post('/api/v1/improvements', {
    schema: {
      tags,
      summary: 'Propose an improvement addressing patterns',
      body: createImprovementInput,
      response: { 201: improvementSchema, ...errors(403) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createImprovement(deps, request.actor, request.body)),
  });
  r.get('/api/v1/improvements/:id', {
    schema: {
      tags,
      summary: 'One improvement, with its options (votes), commercial and technical context, and score',
      params: idParams,
      response: { 200: improvementDetailSchema, ...errors(404) },
    },
    handler: async (request) => getImprovementDetail(deps, request.actor, request.params.id),
  });
  r.patch('/api/v1/improvements/:id', {
    schema: {
      tags,
      summary: 'Change an improvement: fields, patterns, implementation links, status (checked)',
      params: idParams,
      body: updateImprovementInput,
      response: { 200: improvementSchema, ...errors(403, 404, 409) },
    },
    handler: async (request) => updateImprovement(deps, request.actor, request.params.id, request.body),
  });
  r.delete('/api/v1/improvements/:id', {
    schema: {
      tags,
      summary: 'Delete an improvement',
      params: idParams,
      response: { 204: noContent, ...errors(403, 404) },
    },
    handler: async (request, reply) => {
      await deleteImprovement(deps, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  });

  tags = ['deploys'];
  r.get('/api/v1/deploys', {
    schema: {
      tags,
      summary: 'List deploys, newest first',
      querystring: deployListQuery,
      response: { 200: pageOf(deploySchema), ...errors() },
    },
    handler: async (request) => listDeploys(deps, request.actor, request.query),
  });
  r.post('/api/v1/deploys', {
    schema: {
      tags,
      summary: 'Record a deploy; its improvements become deployed; a repeated version is a 409',
      body: createDeployInput,
      response: { 201: deploySchema, ...errors(403, 409) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createDeploy(deps, request.actor, request.body)),
  });
  r.get('/api/v1/deploys/:id', {
    schema: {
      tags,
      summary: 'One deploy',
      params: idParams,
      response: { 200: deploySchema, ...errors(404) },
    },
    handler: async (request) => getDeploy(deps, request.actor, request.params.id),
  });
  r.patch('/api/v1/deploys/:id', {
    schema: {
      tags,
      summary: 'Change a deploy’s notes or time',
      params: idParams,
      body: updateDeployInput,
      response: { 200: deploySchema, ...errors(403, 404) },
    },
    handler: async (request) => updateDeploy(deps, request.actor, request.params.id, request.body),
  });
  r.delete('/api/v1/deploys/:id', {
    schema: {
      tags,
      summary: 'Delete a deploy record',
      params: idParams,
      response: { 204: noContent, ...errors(403, 404) },
    },
    handler: async (request, reply) => {
      await deleteDeploy(deps, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
