import { useSyncExternalStore } from 'react';

export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
  action?: { label: string; run: () => void };
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

/** Removes one message. */
export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

/**
 * Shows a short message at the bottom of the screen for a few seconds (errors stay longer). At
 * most three are kept: triage is fast and the newest matters.
 */
export function showToast(
  message: string,
  options: Omit<Toast, 'id' | 'message'> = { tone: 'info' },
): number {
  const id = nextId++;
  toasts = [...toasts.slice(-2), { id, message, ...options }];
  emit();
  setTimeout(() => dismissToast(id), options.tone === 'error' ? 8000 : 4000);
  return id;
}

/** The message area; a polite live region, so screen readers hear results without losing their place. */
export function Toaster() {
  const list = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => toasts,
  );
  return (
    <div className="toasts" role="status" aria-live="polite">
      {list.map((toast) => (
        <div key={toast.id} className={`toast ${toast.tone}`}>
          <span>{toast.message}</span>
          {toast.action && (
            <button
              type="button"
              className="button quiet"
              onClick={() => {
                toast.action?.run();
                dismissToast(toast.id);
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button
            type="button"
            className="toast-close"
            aria-label="Dismiss message"
            onClick={() => dismissToast(toast.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
