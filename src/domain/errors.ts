/**
 * The one closed set of error codes. Every failure a caller can act on is an AppError with one of
 * these codes; the HTTP layer maps them to statuses in one table (src/http/errors.ts).
 */
export const ERROR_CODES = [
  'invalid',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'rate_limited',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Field name → human message, so a UI can show each next to its field. */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldErrors | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, fields?: FieldErrors, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
    this.details = details;
  }
}

export const notFound = (what: string, id: string) =>
  new AppError('not_found', `${what} ${id} does not exist`);
export const invalidField = (field: string, message: string) =>
  new AppError('invalid', `${field}: ${message}`, { [field]: message });
export const conflict = (message: string, fields?: FieldErrors, details?: Record<string, unknown>) =>
  new AppError('conflict', message, fields, details);
export const forbidden = (message = 'you do not have permission to do that') =>
  new AppError('forbidden', message);

/** An input field that points at an object which does not exist: the request is invalid, not the URL. */
export const missingReference = (field: string, what: string, id: string) =>
  new AppError('invalid', `${field}: no ${what} with id ${id}`, { [field]: `no ${what} with id ${id}` });
