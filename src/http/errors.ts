import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode, type FieldErrors } from '../domain/errors.ts';

/** The one table from error code to HTTP status. */
export const STATUS_OF: Record<ErrorCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
};

export interface ErrorBody {
  error: {
    code: ErrorCode | 'internal';
    message: string;
    fields?: FieldErrors;
    details?: Record<string, unknown>;
  };
}

interface ZodIssueLike {
  path?: PropertyKey[];
  code?: string;
  keys?: string[];
  message?: string;
  errors?: ZodIssueLike[][];
}

/** Flattens zod issues to field → message; for a union, the branch that came closest explains best. */
function addIssueFields(
  fields: FieldErrors,
  issue: ZodIssueLike,
  prefix: PropertyKey[],
  fallback: string,
): void {
  const path = [...prefix, ...(issue.path ?? [])].map(String);
  const base = path.join('.');
  if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
    const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0];
    for (const inner of closest) addIssueFields(fields, inner, path, fallback);
    return;
  }
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    for (const key of issue.keys) fields[base ? `${base}.${key}` : key] = 'unknown field';
    return;
  }
  fields[base || fallback] ??= issue.message ?? 'invalid';
}

function fieldsFromValidation(error: FastifyError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.validation ?? []) {
    // fastify-type-provider-zod puts the zod issue's code in `keyword`, its path in `instancePath`
    // and the rest (keys, union branches) in `params`.
    const params = (issue.params ?? {}) as { keys?: string[]; errors?: ZodIssueLike[][] };
    const path = issue.instancePath.split('/').filter(Boolean);
    const zodIssue: ZodIssueLike = {
      code: issue.keyword,
      path,
      message: issue.message,
      keys: params.keys,
      errors: params.errors,
    };
    addIssueFields(fields, zodIssue, [], error.validationContext ?? 'body');
  }
  return fields;
}

/** Turns anything thrown while handling a request into the API's error body. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (error instanceof AppError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.fields) body.error.fields = error.fields;
    if (error.details) body.error.details = error.details;
    return { status: STATUS_OF[error.code], body, unexpected: false };
  }
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const fields = fieldsFromValidation(fastifyError);
    const summary = Object.entries(fields)
      .slice(0, 3)
      .map(([f, m]) => `${f}: ${m}`)
      .join('; ');
    return {
      status: 400,
      body: {
        error: {
          code: 'invalid',
          message: `${fastifyError.validationContext ?? 'request'} is invalid: ${summary}`,
          fields,
        },
      },
      unexpected: false,
    };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: {
          error: {
            code: 'invalid',
            message: `the body is not valid JSON: ${fastifyError.message}`,
            fields: { body: 'malformed JSON' },
          },
        },
        unexpected: false,
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: {
          error: { code: 'too_large', message: 'the request body is larger than this endpoint accepts' },
        },
        unexpected: false,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: {
          error: {
            code: 'invalid',
            message: 'send the body as application/json',
            fields: { 'content-type': 'unsupported' },
          },
        },
        unexpected: false,
      };
    default:
      break;
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code: ErrorCode =
      status === 404
        ? 'not_found'
        : status === 413
          ? 'too_large'
          : status === 429
            ? 'rate_limited'
            : 'invalid';
    return { status, body: { error: { code, message: fastifyError.message } }, unexpected: false };
  }
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'something went wrong on our side; it has been logged' } },
    unexpected: true,
  };
}

/** The single error handler: expected errors become their status; only unexpected ones are logged with a stack. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body, unexpected } = toErrorResponse(error);
  if (unexpected) request.log.error({ err: error }, 'unexpected error');
  if (status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', '900');
  void reply.code(status).send(body);
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send({
    error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` },
  });
}
