import { AppError } from '../domain/errors.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit?: number;
  cursor?: string | null;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** A cursor is the sort key and id of the last item seen, opaque to callers. */
export interface CursorPosition {
  key: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.key, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): CursorPosition | null {
  if (!cursor) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((v) => typeof v === 'string')) {
      return { key: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('invalid', 'cursor is not one this server issued', { cursor: 'unknown cursor' });
}

export function pageLimit(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
}

/** Cuts a fetched `limit + 1` rows into a page and the cursor of the next one. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => CursorPosition,
  present: (row: R) => T,
): Page<T> {
  const hasMore = rows.length > limit;
  const slice = hasMore ? rows.slice(0, limit) : rows;
  const last = slice[slice.length - 1];
  return { items: slice.map(present), nextCursor: hasMore && last ? encodeCursor(keyOf(last)) : null };
}
