import { z } from 'zod';
import { idSchema, LIMITS, listQuery, text } from './common.ts';

/** A customer organisation and what it is worth: ARR in minor units (cents) of its currency. */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code such as USD')
  .default('USD');

export const createAccountInput = z.strictObject({
  name: text(LIMITS.name),
  arr: z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .nullable()
    .optional()
    .describe('annual recurring revenue, minor units'),
  currency: currencySchema.optional(),
  segment: text(LIMITS.name).nullable().optional(),
  plan: text(LIMITS.name).nullable().optional(),
});
export type CreateAccountInput = z.infer<typeof createAccountInput>;

export const updateAccountInput = createAccountInput.partial();
export type UpdateAccountInput = z.infer<typeof updateAccountInput>;

export const accountSchema = z.object({
  id: z.string(),
  name: z.string(),
  arr: z.number().nullable(),
  currency: z.string(),
  segment: z.string().nullable(),
  plan: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Account = z.infer<typeof accountSchema>;

/** A person at a customer who says things; their account gives what they say its commercial weight. */
export const createContactInput = z.strictObject({
  email: z.email().max(LIMITS.name).nullable().optional(),
  name: text(LIMITS.name).nullable().optional(),
  accountId: idSchema.nullable().optional(),
});
export type CreateContactInput = z.infer<typeof createContactInput>;

export const updateContactInput = createContactInput.partial();
export type UpdateContactInput = z.infer<typeof updateContactInput>;

export const contactSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  accountId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof contactSchema>;

export const accountListQuery = listQuery.extend({
  q: z.string().trim().min(1).max(200).optional(),
});

export const contactListQuery = accountListQuery.extend({ accountId: idSchema.optional() });
