import type { Command } from '../../commands/registry.ts';
import { useCommands } from '../../commands/use-commands.ts';

export interface InboxHandlers {
  moderation: boolean;
  next: () => void;
  previous: () => void;
  openItem: () => void;
  close: () => void;
  toggleSelect: () => void;
  selectAll: () => void;
  linkSuggestion: (rank: number) => void;
  pickPattern: () => void;
  dismiss: () => void;
  setProduct: () => void;
  undo: () => void;
  focusSearch: () => void;
  approve: () => void;
  reject: () => void;
  showQueue: (view: 'moderation' | undefined) => void;
  showFresh: () => void;
}

/**
 * Every key of the inbox, in one place. They are commands, so the `?` sheet and the palette list
 * them too; the moderation queue swaps the triage actions for approve / reject.
 */
export function useInboxCommands(h: InboxHandlers): void {
  useCommands((): Command[] => {
    const group = h.moderation ? 'Moderation' : 'Inbox';
    const common: Command[] = [
      {
        id: 'inbox.next',
        title: 'Next item',
        group,
        keys: ['j', 'arrowdown'],
        run: h.next,
        hiddenInPalette: true,
      },
      {
        id: 'inbox.previous',
        title: 'Previous item',
        group,
        keys: ['k', 'arrowup'],
        run: h.previous,
        hiddenInPalette: true,
      },
      {
        id: 'inbox.open',
        title: 'Open the item',
        group,
        keys: ['enter'],
        run: h.openItem,
        hiddenInPalette: true,
      },
      {
        id: 'inbox.close',
        title: 'Close / clear the selection',
        group,
        keys: ['escape'],
        run: h.close,
        hiddenInPalette: true,
      },
      { id: 'inbox.select', title: 'Select or unselect the item', group, keys: ['x'], run: h.toggleSelect },
      {
        id: 'inbox.select-all',
        title: 'Select every loaded item',
        group,
        run: h.selectAll,
        keywords: ['bulk'],
      },
      {
        id: 'inbox.show-new',
        title: 'Show the new items',
        group,
        run: h.showFresh,
        keywords: ['refresh', 'reload'],
      },
      {
        id: 'inbox.search',
        title: 'Search the inbox',
        group,
        keys: ['/'],
        run: h.focusSearch,
        keywords: ['find', 'filter'],
      },
      h.moderation
        ? {
            id: 'inbox.show-inbox',
            title: 'Show the inbox',
            group: 'Navigation',
            run: () => h.showQueue(undefined),
          }
        : {
            id: 'inbox.show-moderation',
            title: 'Show the moderation queue',
            group: 'Navigation',
            run: () => h.showQueue('moderation'),
            keywords: ['portal', 'spam'],
          },
    ];
    if (h.moderation) {
      return [
        ...common,
        { id: 'moderation.approve', title: 'Approve into the inbox', group, keys: ['a'], run: h.approve },
        { id: 'moderation.reject', title: 'Reject as spam', group, keys: ['r'], run: h.reject },
      ];
    }
    return [
      ...common,
      ...[1, 2, 3].map((rank) => ({
        id: `inbox.suggestion-${rank}`,
        title: `Link to suggestion ${rank}`,
        group,
        keys: [String(rank)],
        run: () => h.linkSuggestion(rank),
      })),
      {
        id: 'inbox.link',
        title: 'Link to a pattern…',
        group,
        keys: ['l'],
        run: h.pickPattern,
        keywords: ['create pattern'],
      },
      {
        id: 'inbox.dismiss',
        title: 'Dismiss with a reason…',
        group,
        keys: ['d'],
        run: h.dismiss,
        keywords: ['spam'],
      },
      { id: 'inbox.product', title: 'Set product and surface…', group, keys: ['p'], run: h.setProduct },
      { id: 'inbox.undo', title: 'Undo the last action', group, keys: ['u'], run: h.undo },
    ];
  }, String(h.moderation));
}
