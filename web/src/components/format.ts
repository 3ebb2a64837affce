/** Minor units → a currency amount, e.g. 1_250_000 EUR → "€12,500" (or "€12.5K" compact). */
export function formatMoney(minor: number, currency: string, compact = false): string {
  try {
    const digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      notation: compact ? 'compact' : 'standard',
      maximumFractionDigits: compact ? 1 : 0,
    }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 100).toFixed(0)} ${currency}`;
  }
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3h", "2d", "5w" for lists: short, and the full date is in the title attribute. */
export function shortAge(iso: string, now = Date.now()): string {
  const ms = Math.max(0, now - Date.parse(iso));
  if (ms < 60_000) return 'now';
  const short: Record<string, string> = {
    year: 'y',
    month: 'mo',
    week: 'w',
    day: 'd',
    hour: 'h',
    minute: 'm',
  };
  for (const [unit, size] of UNITS) if (ms >= size) return `${Math.floor(ms / size)}${short[unit]}`;
  return 'now';
}

/** A full, local date and time: "12 Nov 2026, 14:05". */
export function fullDate(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
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
