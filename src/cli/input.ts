import type { z } from 'zod';
import { AppError, type FieldErrors } from '../domain/errors.ts';

/** Validates CLI input with the same zod schema the HTTP route uses, so both reject the same things. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys')
      for (const key of issue.keys) fields[path ? `${path}.${key}` : key] = 'unknown field';
    else fields[path || 'input'] ??= issue.message;
  }
  const summary = Object.entries(fields)
    .map(([f, m]) => `${f}: ${m}`)
    .join('; ');
  throw new AppError('invalid', `invalid input: ${summary}`, fields);
}
