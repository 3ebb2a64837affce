import { z } from 'zod';
import { inboundMappingSchema } from '../integrations/inbound-webhook.ts';
import { idSchema, LIMITS, text } from './common.ts';

/**
 * A signed inbound webhook: another system POSTs JSON to /api/v1/webhooks/inbound/:id, signed
 * with the source's secret; the mapping says where the feedback fields are in that JSON.
 */
export const createInboundSourceInput = z.strictObject({
  name: text(LIMITS.name),
  secret: z
    .string()
    .min(16, 'at least 16 characters')
    .max(200)
    .optional()
    .describe('generated when left out; shown only in this response'),
  mapping: inboundMappingSchema.describe(
    'feedback field → dot path in the sender\'s JSON, e.g. {"text":"data.message","externalId":"data.id"}',
  ),
  productId: idSchema.nullable().optional().describe('product for items whose payload names none'),
});
export type CreateInboundSourceInput = z.infer<typeof createInboundSourceInput>;

export const inboundSourceSchema = z.object({
  id: z.string(),
  name: z.string(),
  mapping: z.record(z.string(), z.string()),
  productId: z.string().nullable(),
  /** Where the sender posts; relative to the server's public URL. */
  path: z.string(),
  createdAt: z.string(),
});
export type InboundSource = z.infer<typeof inboundSourceSchema>;

/** Only the creation response carries the secret: it is never shown again. */
export const createdInboundSourceSchema = inboundSourceSchema.extend({
  secret: z.string().describe('sign requests with it; it is not shown again'),
});
export type CreatedInboundSource = z.infer<typeof createdInboundSourceSchema>;
