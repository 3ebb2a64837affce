import { useSyncExternalStore } from 'react';

/** Feedback that entered the inbox since the lists on screen were loaded (live updates). */
interface Fresh {
  id: string;
  productId: string | null;
}

let fresh: Fresh[] = [];
const listeners = new Set<() => void>();
const emit = () => {
  for (const listener of listeners) listener();
};

/** Counts one item that just entered the inbox. */
export function addFreshItem(item: Fresh): void {
  if (fresh.some((f) => f.id === item.id)) return;
  fresh = [...fresh, item];
  emit();
}

/** Forgets them: the lists are being reloaded with them in place. */
export function clearFreshItems(): void {
  fresh = [];
  emit();
}

/** How many new items a view showing `productId` (or every product) has not shown yet. */
export function useFreshCount(productId: string | undefined): number {
  const list = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => fresh,
  );
  return productId ? list.filter((f) => f.productId === productId).length : list.length;
}
