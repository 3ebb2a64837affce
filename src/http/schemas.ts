import { z } from 'zod';
import { ERROR_CODES } from '../domain/errors.ts';

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum([...ERROR_CODES, 'internal']),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional().describe('field → what is wrong with it'),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .describe('Every error has this shape');

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid input: malformed JSON, wrong types, unknown or missing fields, references to objects that do not exist',
  401: 'not signed in: no or an unknown token',
  403: 'signed in, but the role does not allow this',
  404: 'the object in the URL does not exist',
  409: 'conflicts with the current state: duplicates, illegal status moves',
  413: 'the body is too large',
  429: 'too many attempts; wait and retry',
};

/** Documents the error responses a route can give, all with the one error body. */
export function errors(...statuses: number[]): Record<number, z.ZodType> {
  const out: Record<number, z.ZodType> = {};
  for (const s of [400, 401, ...statuses]) out[s] = errorSchema.describe(ERROR_DESCRIPTIONS[s] ?? 'error');
  return out;
}

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null at the end'),
  });

export const idParams = z.strictObject({ id: z.string().min(1).max(100) });
export const noContent = z.null().describe('done; no body');
