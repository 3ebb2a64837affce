import { z } from 'zod';
import { LIMITS, listQuery, slugSchema, stringList, text } from './common.ts';
import { PRODUCT_STATUSES } from './lifecycles.ts';
import { alternativeSchema, dependencySchema, productMapInput, surfaceSchema } from './product-map.ts';

/** A product: a solution to one want or need, with a boundary, surfaces, dependencies and alternatives (product-map.ts). */
export const productBoundary = z.strictObject({
  in: stringList().default([]),
  out: stringList().default([]),
});

/** A GitHub repository as "owner/name" (stored lowercased); its webhook events are attributed to the product. */
export const repositorySchema = z
  .string()
  .trim()
  .max(200)
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'a GitHub repository as owner/name');

export const createProductInput = z.strictObject({
  name: text(LIMITS.name),
  slug: slugSchema.optional().describe('defaults to a slug of the name'),
  problem: text(LIMITS.longText).describe('the want or need this product solves'),
  users: stringList().optional().describe('user segments it serves'),
  boundary: productBoundary.optional(),
  repository: repositorySchema.nullable().optional(),
  portalEnabled: z
    .boolean()
    .optional()
    .describe("accept end users' feedback through the public portal; off by default"),
  ...productMapInput,
});
export type CreateProductInput = z.infer<typeof createProductInput>;

export const updateProductInput = z.strictObject({
  name: text(LIMITS.name).optional(),
  slug: slugSchema.optional(),
  problem: text(LIMITS.longText).optional(),
  users: stringList().optional(),
  boundary: productBoundary.optional(),
  status: z.enum(PRODUCT_STATUSES).optional(),
  repository: repositorySchema.nullable().optional(),
  portalEnabled: z.boolean().optional(),
  ...productMapInput,
});
export type UpdateProductInput = z.infer<typeof updateProductInput>;

export const productSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  problem: z.string(),
  users: z.array(z.string()),
  boundary: z.object({ in: z.array(z.string()), out: z.array(z.string()) }),
  status: z.enum(PRODUCT_STATUSES),
  repository: z.string().nullable(),
  portalEnabled: z.boolean(),
  surfaces: z.array(surfaceSchema),
  dependsOn: z.array(dependencySchema).describe('each through a named surface of that product'),
  alternatives: z.array(alternativeSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Product = z.infer<typeof productSchema>;

export const productListQuery = listQuery.extend({
  status: z.enum(PRODUCT_STATUSES).optional(),
});
