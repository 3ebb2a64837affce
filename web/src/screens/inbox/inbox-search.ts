/**
 * The inbox's view lives in the URL (`/inbox?productId=…&channel=email&q=export`), so a view can be
 * shared, bookmarked and saved. Unknown or malformed values are dropped rather than failing the page.
 */
export const INBOX_VIEWS = ['triage', 'moderation'] as const;
export const STATUS_FILTERS = ['new', 'linked', 'dismissed', 'all'] as const;

export interface InboxSearch {
  /** triage (default) or the moderation queue of portal feedback */
  view?: (typeof INBOX_VIEWS)[number];
  /** new (default: the inbox), linked, dismissed, or all */
  status?: (typeof STATUS_FILTERS)[number];
  productId?: string;
  q?: string;
  /** an item to open first (links from search and the palette) */
  item?: string;
}

const ID = /^[\w-]{1,100}$/;

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
    q: text(raw.q),
    item: text(raw.item, ID),
  };
  for (const key of Object.keys(search) as Array<keyof InboxSearch>) {
    if (search[key] === undefined) delete search[key];
  }
  return search;
}
