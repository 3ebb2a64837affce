import { z } from 'zod';
import { ROLES } from './authorization.ts';
import { LIMITS, text } from './common.ts';

export const PASSWORD_MIN = 10;
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(256, 'must be at most 256 characters');

export const emailSchema = z
  .email()
  .max(LIMITS.name)
  .transform((e) => e.trim().toLowerCase());

export const createUserInput = z.strictObject({
  email: emailSchema,
  name: text(LIMITS.name),
  role: z.enum(ROLES).default('builder'),
  password: passwordSchema,
});
export type CreateUserInput = z.infer<typeof createUserInput>;

export const updateUserInput = z.strictObject({
  name: text(LIMITS.name).optional(),
  role: z.enum(ROLES).optional(),
  password: passwordSchema.optional(),
  disabled: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof updateUserInput>;

export const loginInput = z.strictObject({
  email: z.string().trim().toLowerCase().min(1).max(LIMITS.name),
  password: z.string().min(1).max(256),
});
export type LoginInput = z.infer<typeof loginInput>;

export const setupInput = z.strictObject({
  token: z.string().min(1).max(200),
  email: emailSchema,
  name: text(LIMITS.name),
  password: passwordSchema,
});
export type SetupInput = z.infer<typeof setupInput>;

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const createTokenInput = z.strictObject({
  name: text(LIMITS.name),
  userId: z.string().optional().describe('admins may create a token for another user'),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateTokenInput = z.infer<typeof createTokenInput>;

export const tokenSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  kind: z.enum(['session', 'api']),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type Token = z.infer<typeof tokenSchema>;
