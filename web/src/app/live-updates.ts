import { useEffect } from 'react';
import { api, endSession, unwrap } from '../api/client.ts';
import { syncInboxItem } from '../screens/inbox/inbox-data.ts';
import { addFreshItem } from './fresh-items.ts';
import { queryClient } from './query-client.ts';

/** One `event: change` frame of GET /api/v1/events. */
interface LiveMessage {
  itemType: string;
  itemId: string;
  action: 'create' | 'update' | 'delete';
  changed: string[];
  patch: Record<string, unknown>;
  newInboxItem: boolean;
}

/** Refreshes of one kind are gathered for a moment: a bulk action sends hundreds of events. */
function debounced(run: () => void, ms = 300): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      run();
    }, ms);
  };
}

const refreshPatterns = debounced(() => {
  void queryClient.invalidateQueries({ queryKey: ['/api/v1/patterns'] });
  void queryClient.invalidateQueries({ queryKey: ['/api/v1/feedback/{id}/suggestions'] });
});
const refreshProducts = debounced(
  () => void queryClient.invalidateQueries({ queryKey: ['/api/v1/products'] }),
);

/** A changed feedback item is read again and put where it now belongs in every cached list. */
async function refreshFeedback(id: string): Promise<void> {
  const answer = await api.GET('/api/v1/feedback/{id}', { params: { path: { id } } });
  if (answer.response.status === 404) {
    for (const [key] of queryClient.getQueriesData({ queryKey: ['/api/v1/feedback', 'inbox'] })) {
      void queryClient.invalidateQueries({ queryKey: key, exact: true });
    }
    return;
  }
  const item = unwrap(answer);
  queryClient.setQueryData(['/api/v1/feedback/{id}', id], item);
  syncInboxItem(queryClient, item);
}

function apply(message: LiveMessage): void {
  switch (message.itemType) {
    case 'feedback':
      if (message.newInboxItem) {
        const productId = typeof message.patch.productId === 'string' ? message.patch.productId : null;
        addFreshItem({ id: message.itemId, productId });
      } else {
        void refreshFeedback(message.itemId).catch(() => undefined);
      }
      if (message.changed.includes('status')) refreshPatterns();
      break;
    case 'pattern':
      refreshPatterns();
      break;
    case 'product':
      refreshProducts();
      break;
    default:
      break;
  }
}

/**
 * Follows GET /api/v1/events while someone is signed in and keeps the cache in step with other
 * tabs, people and processes: changed items are re-read and patched in place, new inbox items are
 * counted for the "N new" badge, and a `reset` (too much missed) reloads what is on screen. The
 * browser reconnects by itself and the server replays what was missed (Last-Event-ID).
 */
export function useLiveUpdates(): void {
  useEffect(() => {
    const source = new EventSource('/api/v1/events');
    source.addEventListener('change', (event) => {
      try {
        apply(JSON.parse((event as MessageEvent<string>).data) as LiveMessage);
      } catch {
        // A frame this version does not understand is skipped; the next refetch corrects the screen.
      }
    });
    source.addEventListener('reset', () => void queryClient.invalidateQueries());
    source.addEventListener('end', () => {
      source.close();
      endSession();
    });
    return () => source.close();
  }, []);
}
