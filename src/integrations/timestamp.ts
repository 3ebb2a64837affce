export type TimestampResult = { ok: true; iso: string } | { ok: false; error: string };

const ISO_DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/i;
const NUMERIC_SLASH_DATE = /^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}/;
const UNIX_NUMBER = /^\d{9,13}(?:\.\d+)?$/;

/**
 * Parses the timestamp formats found in exports and webhook payloads into ISO 8601 UTC.
 *
 * Accepted: ISO 8601 dates and date-times (a date-time without an offset is taken as
 * UTC, never as the server's local zone), RFC 2822 ("Mon, 3 Jun 2024 10:00:00 +0200"),
 * and Unix epoch seconds (9-10 digits) or milliseconds (12-13 digits).
 * Rejected on purpose: numeric dates like 03/04/2024, because day/month order is
 * ambiguous and guessing would silently misdate feedback.
 */
export function parseTimestamp(value: string | number): TimestampResult {
  if (typeof value === 'number') return fromEpoch(value);
  const text = value.trim();
  if (text === '') return { ok: false, error: 'empty date' };
  if (UNIX_NUMBER.test(text)) return fromEpoch(Number(text));
  if (ISO_DATE_ONLY.test(text)) return fromDate(new Date(`${text}T00:00:00Z`), text);
  const iso = ISO_DATE_TIME.exec(text);
  if (iso) {
    const offset = iso[3] ? normaliseOffset(iso[3]) : 'Z';
    return fromDate(new Date(`${iso[1]}T${iso[2]}${offset}`), text);
  }
  if (NUMERIC_SLASH_DATE.test(text)) {
    return { ok: false, error: `ambiguous date "${text}": use ISO 8601 (YYYY-MM-DD)` };
  }
  // Only textual formats with a month name (RFC 2822 and friends) reach Date.parse.
  if (!/[a-z]{3}/i.test(text)) return { ok: false, error: `unrecognised date "${text}"` };
  return fromDate(new Date(text), text);
}

function fromEpoch(n: number): TimestampResult {
  if (!Number.isFinite(n) || n < 0) return { ok: false, error: `invalid epoch time ${n}` };
  // Seconds until the year 2286 have at most 10 digits; anything larger is milliseconds.
  const ms = n < 1e11 ? n * 1000 : n;
  return fromDate(new Date(ms), String(n));
}

function fromDate(date: Date, original: string): TimestampResult {
  if (Number.isNaN(date.getTime())) return { ok: false, error: `invalid date "${original}"` };
  return { ok: true, iso: date.toISOString() };
}

function normaliseOffset(offset: string): string {
  if (offset.toUpperCase() === 'Z') return 'Z';
  return offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}
