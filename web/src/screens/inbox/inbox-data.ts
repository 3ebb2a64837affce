import {
  type InfiniteData,
  infiniteQueryOptions,
  type QueryClient,
  useInfiniteQuery,
} from '@tanstack/react-query';
import { api, unwrap } from '../../api/client.ts';
import type { Feedback, FeedbackPage, FeedbackQuery } from '../../api/types.ts';
import type { InboxSearch } from './inbox-search.ts';

const PAGE = 50;

/** The API query an inbox view asks for. */
export function apiQueryOf(search: InboxSearch): FeedbackQuery {
  const query: FeedbackQuery = { limit: PAGE };
  if (search.view === 'moderation') query.moderation = 'pending';
  else if (search.status !== 'all') query.status = search.status ?? 'new';
  if (search.productId) query.productId = search.productId;
  if (search.channel) query.channel = search.channel;
  if (search.segment) query.segment = search.segment;
  if (search.arr) query.arrBand = search.arr;
  if (search.from) query.receivedFrom = `${search.from}T00:00:00.000Z`;
  if (search.to)
    query.receivedTo = new Date(Date.parse(`${search.to}T00:00:00.000Z`) + 86_400_000).toISOString();
  if (search.suggested) query.hasSuggestion = search.suggested === 'yes' ? 'true' : 'false';
  if (search.q) query.q = search.q;
  return query;
}

/** Every cached inbox list starts with this key, whatever its filters. */
export const INBOX_KEY = ['/api/v1/feedback', 'inbox'] as const;

/** The inbox list, newest received first, fetched a page at a time as the list scrolls. */
export function inboxListOptions(search: InboxSearch) {
  const query = apiQueryOf(search);
  return infiniteQueryOptions({
    queryKey: [...INBOX_KEY, query],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/api/v1/feedback', {
          params: { query: { ...query, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? null,
  });
}

/** The inbox list of a view, from the cache (the route's loader starts fetching it). */
export function useInboxList(search: InboxSearch) {
  return useInfiniteQuery(inboxListOptions(search));
}

type Pages = InfiniteData<FeedbackPage, string | null>;

/** Takes items out of every cached inbox list at once (optimistic: linked, dismissed, moderated). */
export function removeFromInbox(client: QueryClient, ids: string[]): void {
  const gone = new Set(ids);
  client.setQueriesData<Pages>({ queryKey: INBOX_KEY }, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({ ...page, items: page.items.filter((i) => !gone.has(i.id)) })),
        }
      : data,
  );
}

/** Newest received first, then newest id: the API's order, so a restored item returns to its place. */
function before(a: Feedback, b: Feedback): boolean {
  return a.receivedAt === b.receivedAt ? a.id > b.id : a.receivedAt > b.receivedAt;
}

/**
 * Puts items back into the cached lists they would belong to (undo, rollback). An item goes where
 * the API's order puts it among the loaded pages; one older than everything loaded is left for
 * the next page to bring.
 */
export function restoreToInbox(client: QueryClient, items: Feedback[]): void {
  client.setQueriesData<Pages>({ queryKey: INBOX_KEY }, (data) => {
    if (!data) return data;
    const pages = data.pages.map((page) => ({ ...page, items: [...page.items] }));
    for (const item of items) {
      if (pages.some((page) => page.items.some((i) => i.id === item.id))) continue;
      for (const [index, page] of pages.entries()) {
        const at = page.items.findIndex((i) => before(item, i));
        const last = index === pages.length - 1;
        if (at >= 0) {
          page.items.splice(at, 0, item);
          break;
        }
        if (last && !page.nextCursor) page.items.push(item);
      }
    }
    return { ...data, pages };
  });
}

/** Replaces items in every cached list (product or surface changed). */
export function patchInInbox(client: QueryClient, items: Feedback[]): void {
  const byId = new Map(items.map((i) => [i.id, i]));
  client.setQueriesData<Pages>({ queryKey: INBOX_KEY }, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({ ...page, items: page.items.map((i) => byId.get(i.id) ?? i) })),
        }
      : data,
  );
}

/**
 * Brings one item's latest state into every cached inbox list (live updates): it leaves the lists
 * whose filter it no longer matches and is replaced in the others. It is never inserted: items that
 * enter the inbox are counted as "N new" instead, so the list does not move under the cursor.
 */
export function syncInboxItem(client: QueryClient, item: Feedback): void {
  for (const [key, data] of client.getQueriesData<Pages>({ queryKey: INBOX_KEY })) {
    if (!data) continue;
    const query = key[2] as FeedbackQuery | undefined;
    const belongs =
      (!query?.status || item.status === query.status) &&
      (!query?.moderation || item.moderation === query.moderation) &&
      (!query?.productId || item.productId === query.productId);
    client.setQueryData<Pages>(key, {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        items: belongs
          ? page.items.map((i) => (i.id === item.id ? item : i))
          : page.items.filter((i) => i.id !== item.id),
      })),
    });
  }
}
