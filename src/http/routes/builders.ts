import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principleSchema, replacePrinciplesInput } from '../../domain/builder.ts';
import { criterionSchema, levelSchema, replaceRubricInput, rubricSchema } from '../../domain/level-rubric.ts';
import { PRODUCT_STATUSES } from '../../domain/lifecycles.ts';
import { alternativeSchema, surfaceSchema } from '../../domain/product-map.ts';
import { getRubric, replaceRubric } from '../../usecases/builders/levels.ts';
import { listPrinciples, replacePrinciples } from '../../usecases/builders/principles.ts';
import { getProductMap } from '../../usecases/builders/product-map.ts';
import { getBuilderProfile } from '../../usecases/builders/profile.ts';
import type { Deps } from '../../usecases/context.ts';
import { errors, idParams } from '../schemas.ts';
import { registerJournalRoutes } from './journal.ts';

const money = z.object({ currency: z.string(), amount: z.number() });
const evidenceItem = z.object({ type: z.string(), id: z.string(), url: z.string() });

const productMapSchema = z.object({
  products: z.array(
    z.object({
      id: z.string(),
      slug: z.string(),
      name: z.string(),
      problem: z.string(),
      status: z.enum(PRODUCT_STATUSES),
      surfaces: z.array(surfaceSchema),
      health: z.object({
        openPatterns: z.number(),
        arrAtStake: z.array(money),
        deployedImprovements: z.number(),
        verifiedImprovements: z.number(),
        verifiedRate: z
          .number()
          .nullable()
          .describe('verified / (deployed + verified); null before anything shipped'),
      }),
    }),
  ),
  edges: z
    .array(z.object({ from: z.string(), to: z.string(), surface: z.string() }))
    .describe('from depends on to, through surface'),
  alternatives: z.array(
    alternativeSchema.extend({ productId: z.string(), alternativeProductId: z.string().nullable() }),
  ),
  cycles: z.array(z.object({ productIds: z.array(z.string()), slugs: z.array(z.string()) })),
});

const profileSchema = z.object({
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), role: z.string() }),
  level: levelSchema.nullable().describe('computed from the evidence, never typed in'),
  nextLevel: levelSchema.nullable(),
  missingForNext: z.array(
    criterionSchema.pick({ metric: true }).extend({ have: z.number(), need: z.number(), short: z.number() }),
  ),
  evidence: z.array(
    z.object({
      metric: z.string(),
      description: z.string(),
      value: z.number(),
      items: z.array(evidenceItem),
      note: z.string().optional(),
    }),
  ),
  commercial: z.object({
    arrAtStake: z.array(money),
    accountCount: z.number(),
    accounts: z.array(
      z.object({ id: z.string(), name: z.string(), arr: z.number().nullable(), currency: z.string() }),
    ),
  }),
  technical: z.object({
    improvements: z.array(
      evidenceItem.extend({
        title: z.string(),
        status: z.string(),
        effort: z.number().nullable(),
        risk: z.string().nullable(),
      }),
    ),
    totalEffort: z.number(),
    risk: z.record(z.string(), z.number()),
    verdicts: z.object({ verified: z.number(), awaitingVerification: z.number(), abandoned: z.number() }),
  }),
});

/** The product map, principles, the level rubric and builder profiles; reflections and kudos in journal.ts. */
export function registerBuilderRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // A static segment: find-my-way prefers it to /api/v1/products/:id whatever the registration order.
  r.get('/api/v1/products/map', {
    schema: {
      tags: ['products'],
      summary: 'The product map: products, surfaces, dependency edges, alternatives, cycles and loop health',
      response: { 200: productMapSchema, ...errors() },
    },
    handler: async (request) => getProductMap(deps, request.actor),
  });

  const tags = ['builders'];
  r.get('/api/v1/principles', {
    schema: {
      tags,
      summary: 'The principles builders hold each other to',
      response: { 200: z.object({ items: z.array(principleSchema) }), ...errors() },
    },
    handler: async (request) => ({ items: await listPrinciples(deps, request.actor) }),
  });
  r.put('/api/v1/principles', {
    schema: {
      tags,
      summary: 'Replace the principles (admins); ids are kept by id or by unchanged slug',
      body: replacePrinciplesInput,
      response: { 200: z.object({ items: z.array(principleSchema) }), ...errors(403, 409) },
    },
    handler: async (request) => ({ items: await replacePrinciples(deps, request.actor, request.body) }),
  });
  r.get('/api/v1/levels', {
    schema: {
      tags,
      summary: 'The level rubric and the metrics criteria can use',
      response: { 200: rubricSchema, ...errors() },
    },
    handler: async (request) => getRubric(deps, request.actor),
  });
  r.put('/api/v1/levels', {
    schema: {
      tags,
      summary: 'Replace the level rubric (admins); an unknown metric is refused with the known ones',
      body: replaceRubricInput,
      response: { 200: rubricSchema, ...errors(403) },
    },
    handler: async (request) => replaceRubric(deps, request.actor, request.body),
  });
  r.get('/api/v1/builders/:id', {
    schema: {
      tags,
      summary: 'A builder (by id or email): level from evidence, what is missing for the next, and context',
      params: idParams,
      response: { 200: profileSchema, ...errors(404) },
    },
    handler: async (request) => getBuilderProfile(deps, request.actor, request.params.id),
  });
  registerJournalRoutes(app, deps);
}
