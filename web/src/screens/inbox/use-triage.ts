import { useQueryClient } from '@tanstack/react-query';
import { api, messageOf, unwrap } from '../../api/client.ts';
import type { Feedback } from '../../api/types.ts';
import { showToast } from '../../components/toasts.tsx';
import { patchInInbox, removeFromInbox, restoreToInbox } from './inbox-data.ts';

export const DISMISS_REASONS = [
  { value: 'spam', label: 'Spam' },
  { value: 'not_actionable', label: 'Not actionable' },
  { value: 'duplicate', label: 'Duplicate' },
] as const;
export type DismissReason = (typeof DISMISS_REASONS)[number]['value'];

interface UndoEntry {
  label: string;
  undo: () => Promise<void>;
}

/** What `u` undoes, newest last; kept across screens for the session of this tab. */
const undoStack: UndoEntry[] = [];

const count = (items: Feedback[]) => (items.length === 1 ? '1 item' : `${items.length} items`);

interface Action<R> {
  items: Feedback[];
  /** Past tense, for the message: "Linked 3 items to “Export fails”". */
  done: string;
  /** Present tense, for a failure: "link 3 items". */
  doing: string;
  /** The visible change, made before the server answers. */
  apply: () => void;
  /** Puts the screen back as it was. */
  revert: () => void;
  send: () => Promise<R>;
  /** The server-side inverse, when the action can be undone. */
  inverse?: (result: R) => Promise<void>;
  after?: () => void;
}

/**
 * The inbox's writes. Each one changes the cache first (the visible effect is immediate), then asks
 * the server; a refusal puts the screen back and says why. Every reversible action can be undone with
 * `u` (or the message's Undo), also while the server has not answered yet.
 */
export function useTriage(options: { leavesView: boolean }) {
  const client = useQueryClient();

  function run<R>(action: Action<R>): void {
    action.apply();
    const sent = action.send();
    if (action.inverse) {
      const inverse = action.inverse;
      undoStack.push({
        label: action.done,
        undo: async () => {
          const result = await sent;
          action.revert();
          try {
            await inverse(result);
            action.after?.();
          } catch (error) {
            action.apply();
            showToast(`Could not undo: ${messageOf(error)}`, { tone: 'error' });
          }
        },
      });
    }
    sent.then(
      () => {
        action.after?.();
        showToast(
          action.done,
          action.inverse ? { tone: 'info', action: { label: 'Undo', run: undo } } : undefined,
        );
      },
      (error) => {
        action.revert();
        const at = undoStack.findIndex((entry) => entry.label === action.done);
        if (at >= 0) undoStack.splice(at, 1);
        showToast(`Could not ${action.doing}: ${messageOf(error)}`, { tone: 'error' });
      },
    );
  }

  const refreshPatterns = () => void client.invalidateQueries({ queryKey: ['/api/v1/patterns'] });

  function leave(items: Feedback[], changed: (item: Feedback) => Feedback) {
    return {
      apply: () =>
        options.leavesView
          ? removeFromInbox(
              client,
              items.map((i) => i.id),
            )
          : patchInInbox(client, items.map(changed)),
      revert: () => (options.leavesView ? restoreToInbox(client, items) : patchInInbox(client, items)),
    };
  }

  const unlinkAll = async (patternId: string, items: Feedback[]) => {
    for (const item of items) {
      unwrap(
        await api.DELETE('/api/v1/patterns/{id}/feedback/{feedbackId}', {
          params: { path: { id: patternId, feedbackId: item.id } },
        }),
      );
    }
  };

  function link(items: Feedback[], pattern: { id: string; title: string }): void {
    run({
      items,
      done: `Linked ${count(items)} to “${pattern.title}”`,
      doing: `link ${count(items)}`,
      ...leave(items, (i) => ({ ...i, status: 'linked', patternIds: [...i.patternIds, pattern.id] })),
      send: async () =>
        unwrap(
          await api.POST('/api/v1/patterns/{id}/feedback', {
            params: { path: { id: pattern.id } },
            body: { feedbackIds: items.map((i) => i.id) },
          }),
        ),
      inverse: () => unlinkAll(pattern.id, items),
      after: refreshPatterns,
    });
  }

  function createAndLink(items: Feedback[], title: string): void {
    run({
      items,
      done: `Created “${title}” with ${count(items)}`,
      doing: `create the pattern “${title}”`,
      ...leave(items, (i) => ({ ...i, status: 'linked' })),
      send: async () =>
        unwrap(await api.POST('/api/v1/patterns', { body: { title, feedbackIds: items.map((i) => i.id) } })),
      inverse: (created) => unlinkAll(created.id, items),
      after: refreshPatterns,
    });
  }

  function dismiss(items: Feedback[], reason: DismissReason): void {
    const label = DISMISS_REASONS.find((r) => r.value === reason)?.label.toLowerCase() ?? reason;
    const patch = (
      item: Feedback,
      body: { status: 'new' | 'dismissed'; dismissReason: DismissReason | null },
    ) => api.PATCH('/api/v1/feedback/{id}', { params: { path: { id: item.id } }, body }).then(unwrap);
    run({
      items,
      done: `Dismissed ${count(items)} as ${label}`,
      doing: `dismiss ${count(items)}`,
      ...leave(items, (i) => ({ ...i, status: 'dismissed', dismissReason: reason })),
      send: () => Promise.all(items.map((i) => patch(i, { status: 'dismissed', dismissReason: reason }))),
      inverse: async () => {
        await Promise.all(items.map((i) => patch(i, { status: 'new', dismissReason: null })));
      },
    });
  }

  function setProduct(
    items: Feedback[],
    product: { id: string | null; name: string },
    surface: string | null,
  ): void {
    const patch = (id: string, productId: string | null, s: string | null) =>
      api
        .PATCH('/api/v1/feedback/{id}', { params: { path: { id } }, body: { productId, surface: s } })
        .then(unwrap);
    const changed = items.map((i) => ({ ...i, productId: product.id, surface }));
    run({
      items,
      done: `Set ${count(items)} to ${product.name}${surface ? ` · ${surface}` : ''}`,
      doing: `set the product of ${count(items)}`,
      apply: () => patchInInbox(client, changed),
      revert: () => patchInInbox(client, items),
      send: () => Promise.all(items.map((i) => patch(i.id, product.id, surface))),
      inverse: async () => {
        await Promise.all(items.map((i) => patch(i.id, i.productId, i.surface)));
      },
    });
  }

  function moderate(items: Feedback[], decision: 'approve' | 'reject'): void {
    run({
      items,
      done:
        decision === 'approve'
          ? `Approved ${count(items)} into the inbox`
          : `Rejected ${count(items)} as spam`,
      doing: `${decision} ${count(items)}`,
      apply: () =>
        removeFromInbox(
          client,
          items.map((i) => i.id),
        ),
      revert: () => restoreToInbox(client, items),
      send: () =>
        Promise.all(
          items.map((i) =>
            api
              .POST('/api/v1/feedback/{id}/moderation', {
                params: { path: { id: i.id } },
                body: { decision },
              })
              .then(unwrap),
          ),
        ),
      after: () => void client.invalidateQueries({ queryKey: ['/api/v1/feedback', 'inbox'] }),
    });
  }

  function undo(): void {
    const entry = undoStack.pop();
    if (!entry) {
      showToast('Nothing to undo');
      return;
    }
    showToast(`Undone: ${entry.label}`);
    void entry.undo();
  }

  return { link, createAndLink, dismiss, setProduct, moderate, undo };
}
