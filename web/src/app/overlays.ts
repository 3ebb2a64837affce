import { useSyncExternalStore } from 'react';

/** The app-wide overlays; at most one is open. */
export type Overlay = 'palette' | 'shortcuts' | null;

let open: Overlay = null;
const listeners = new Set<() => void>();

/** Opens an overlay (or closes all with null). */
export function setOverlay(next: Overlay): void {
  open = next;
  for (const listener of listeners) listener();
}

/** Which overlay is open. */
export function useOverlay(): Overlay {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => open,
  );
}
