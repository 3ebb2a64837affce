import { z } from 'zod';
import { ID_PATTERN } from './ids.ts';

/** Limits on free text, so one request cannot store megabytes in a title. */
export const LIMITS = {
  name: 200,
  title: 300,
  shortText: 2_000,
  longText: 100_000,
  feedbackText: 20_000,
  url: 2_048,
  listItems: 100,
} as const;

export const idSchema = z.string().regex(ID_PATTERN, 'must be an id this server issued');
export const isoDateTime = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time');
export const urlSchema = z.url().max(LIMITS.url);
export const slugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes, starting with a letter or digit');

/** Trimmed non-empty text with an upper bound. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
export const optionalText = (max: number) => z.string().trim().max(max);
export const stringList = (max = LIMITS.listItems) => z.array(text(LIMITS.shortText)).max(max);

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(500).optional(),
});
export type ListQuery = z.infer<typeof listQuery>;

/** Turns a name into a URL-safe slug ("Etcher Pro!" → "etcher-pro"). */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return slug === '' ? 'product' : slug;
}
