/**
 * The inbox's view lives in the URL (`/inbox?productId=…&channel=email&q=export`), so a view can be
 * shared, bookmarked and saved. Unknown or malformed values are dropped rather than failing the page.
 */
import type { FeedbackQuery } from '../../api/types.ts';

export const INBOX_VIEWS = ['triage', 'moderation'] as const;
/** Checked against the API's own list: a channel the server drops fails to compile. */
export const CHANNELS = [
  'api',
  'csv',
  'jsonl',
  'email',
  'github',
  'webhook',
  'portal',
  'canny',
  'productboard',
  'fider',
  'slack',
  'support',
  'sales',
  'interview',
  'other',
] as const satisfies ReadonlyArray<NonNullable<FeedbackQuery['channel']>>;
export const ARR_BANDS = [
  { value: 'under_10k', label: '< 10k' },
  { value: '10k_50k', label: '10k–50k' },
  { value: '50k_250k', label: '50k–250k' },
  { value: '250k_1m', label: '250k–1M' },
  { value: 'over_1m', label: '> 1M' },
  { value: 'unknown', label: 'unknown' },
] as const satisfies ReadonlyArray<{ value: NonNullable<FeedbackQuery['arrBand']>; label: string }>;
export const STATUS_FILTERS = ['new', 'linked', 'dismissed', 'all'] as const;

export interface InboxSearch {
  /** triage (default) or the moderation queue of portal feedback */
  view?: (typeof INBOX_VIEWS)[number];
  /** new (default: the inbox), linked, dismissed, or all */
  status?: (typeof STATUS_FILTERS)[number];
  productId?: string;
  channel?: (typeof CHANNELS)[number];
  /** the account's segment, exactly */
  segment?: string;
  /** ARR in the base currency */
  arr?: (typeof ARR_BANDS)[number]['value'];
  /** received on or after this day (YYYY-MM-DD) */
  from?: string;
  /** received on or before this day (YYYY-MM-DD) */
  to?: string;
  /** whether the engine has a suggestion above its threshold */
  suggested?: 'yes' | 'no';
  q?: string;
  /** an item to open first (links from search and the palette) */
  item?: string;
}

const ID = /^[\w-]{1,100}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function pick<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : undefined;
}

function text(value: unknown, pattern = /^.{1,200}$/s): string | undefined {
  return typeof value === 'string' && pattern.test(value) ? value : undefined;
}

/** The router's validateSearch for /inbox. */
export function parseInboxSearch(raw: Record<string, unknown>): InboxSearch {
  const search: InboxSearch = {
    view: pick(raw.view, INBOX_VIEWS),
    status: pick(raw.status, STATUS_FILTERS),
    productId: text(raw.productId, ID),
    channel: pick(raw.channel, CHANNELS),
    segment: text(raw.segment),
    arr: pick(
      raw.arr,
      ARR_BANDS.map((b) => b.value),
    ),
    from: text(raw.from, DAY),
    to: text(raw.to, DAY),
    suggested: pick(raw.suggested, ['yes', 'no'] as const),
    q: text(raw.q),
    item: text(raw.item, ID),
  };
  for (const key of Object.keys(search) as Array<keyof InboxSearch>) {
    if (search[key] === undefined) delete search[key];
  }
  return search;
}
