import { z } from 'zod';
import { idSchema, isoDateTime, LIMITS, listQuery, optionalText, text } from './common.ts';

/** A deploy: a version of a product that shipped, and the improvements it carried. */
export const createDeployInput = z.strictObject({
  productId: idSchema,
  version: text(LIMITS.name),
  deployedAt: isoDateTime.optional().describe('defaults to now'),
  improvementIds: z.array(idSchema).max(500).optional(),
  notes: optionalText(LIMITS.longText).optional(),
});
export type CreateDeployInput = z.infer<typeof createDeployInput>;

export const updateDeployInput = z.strictObject({
  notes: optionalText(LIMITS.longText).optional(),
  deployedAt: isoDateTime.optional(),
});
export type UpdateDeployInput = z.infer<typeof updateDeployInput>;

export const deployListQuery = listQuery.extend({
  productId: idSchema.optional(),
});
export type DeployListQuery = z.infer<typeof deployListQuery>;

export const deploySchema = z.object({
  id: z.string(),
  productId: z.string(),
  version: z.string(),
  deployedAt: z.string(),
  notes: z.string(),
  improvementIds: z.array(z.string()),
  createdAt: z.string(),
});
export type Deploy = z.infer<typeof deploySchema>;
