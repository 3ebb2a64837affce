/**
 * Formatting for lists that re-render on every key press: Intl formatters are costly to build, so
 * each one is built once and kept.
 */
const moneyFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

function moneyFormat(currency: string, compact: boolean): { format: Intl.NumberFormat; digits: number } {
  const key = `${currency}:${compact}`;
  let cached = moneyFormats.get(key);
  if (!cached) {
    const digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    const format = new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      notation: compact ? 'compact' : 'standard',
      maximumFractionDigits: compact ? 1 : 0,
    });
    cached = { format, digits };
    moneyFormats.set(key, cached);
  }
  return cached;
}

/** Minor units → a currency amount, e.g. 1_250_000 EUR → "€12,500" (or "€12.5K" compact). */
export function formatMoney(minor: number, currency: string, compact = false): string {
  try {
    const { format, digits } = moneyFormat(currency, compact);
    return format.format(minor / 10 ** digits);
  } catch {
    return `${(minor / 100).toFixed(0)} ${currency}`;
  }
}

const UNITS: Array<[string, number]> = [
  ['y', 365 * 86_400_000],
  ['mo', 30 * 86_400_000],
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
];

/** "3h", "2d", "5w" for lists: short, and the full date is in the title attribute. */
export function shortAge(iso: string, now = Date.now()): string {
  const ms = Math.max(0, now - Date.parse(iso));
  for (const [unit, size] of UNITS) if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  return 'now';
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A full, local date and time: "12 Nov 2026, 14:05". */
export function fullDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

/** Only http(s) links are ever rendered as links: never `javascript:` or `data:` from feedback sources. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}
