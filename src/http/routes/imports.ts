import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/errors.ts';
import type { Deps } from '../../usecases/context.ts';
import { IMPORT_FILE_FORMATS, importFile } from '../../usecases/imports.ts';
import { errors } from '../schemas.ts';

/** The raw file is the body (no multipart here), so these types arrive as bytes. */
export const IMPORT_CONTENT_TYPES = [
  'text/csv',
  'application/x-ndjson',
  'message/rfc822',
  'application/mbox',
  'application/octet-stream',
];
export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;

const importQuery = z.strictObject({
  format: z.enum(IMPORT_FILE_FORMATS),
  mapping: z
    .string()
    .max(10_000)
    .optional()
    .describe(
      'JSON object of field → column header, e.g. {"text":"Comment","email":"Email"} (csv, accounts)',
    ),
  productId: z.string().min(1).max(100).optional().describe('product (id or slug) for rows that name none'),
});

export const importReportSchema = z.object({
  format: z.enum(IMPORT_FILE_FORMATS),
  rowsRead: z.number(),
  created: z.number(),
  existing: z.number().describe('already present: same source id (feedback) or same name (accounts)'),
  rejected: z
    .array(z.object({ line: z.number(), reason: z.string() }))
    .describe('rows not stored; all other rows were'),
});

/** Parses `?mapping=` into field → column, or says why it cannot be one. */
function parseMapping(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = null;
  }
  const mapping = z.record(z.string(), z.string().min(1).max(200)).safeParse(value);
  if (!mapping.success)
    throw new AppError('invalid', 'mapping: must be a JSON object of field → column header', {
      mapping: 'not a JSON object of strings',
    });
  return mapping.data;
}

/** Observe: import a file of past feedback (or accounts) and get a report of every row. */
export function registerImportRoutes(app: FastifyInstance, deps: Deps): void {
  app.register(async (scope) => {
    scope.addContentTypeParser(
      IMPORT_CONTENT_TYPES,
      { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.post('/api/v1/imports', {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['feedback'],
        summary:
          'Import a file (CSV, Canny, Productboard, Fider, JSONL, eml, mbox, accounts CSV) sent as the raw body',
        description: `Send the file itself as the body with Content-Type ${IMPORT_CONTENT_TYPES.join(', ')} (up to 50 MB). Good rows are stored even when others are rejected; the report lists every rejected row with its line.`,
        querystring: importQuery,
        response: { 200: importReportSchema, ...errors(403, 413) },
      },
      handler: async (request) => {
        const data = request.body;
        if (!Buffer.isBuffer(data) || data.length === 0) {
          throw new AppError(
            'invalid',
            `send the file as the request body, with Content-Type ${IMPORT_CONTENT_TYPES[0]} or another import type`,
            { body: 'empty' },
          );
        }
        const { format, productId } = request.query;
        return importFile(deps, request.actor, {
          format,
          data,
          mapping: parseMapping(request.query.mapping),
          product: productId ?? null,
        });
      },
    });
  });
}
