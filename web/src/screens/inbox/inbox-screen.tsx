import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { queries } from '../../api/queries.ts';
import type { Feedback, Suggestions } from '../../api/types.ts';
import { clearFreshItems, useFreshCount } from '../../app/fresh-items.ts';
import { showToast } from '../../components/toasts.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { DismissDialog } from './dismiss-dialog.tsx';
import { FeedbackDetail } from './feedback-detail.tsx';
import { useInboxCommands } from './inbox-commands.ts';
import { INBOX_KEY, useInboxList } from './inbox-data.ts';
import { InboxList } from './inbox-list.tsx';
import type { InboxSearch } from './inbox-search.ts';
import { InboxToolbar } from './inbox-toolbar.tsx';
import { PatternPicker } from './pattern-picker.tsx';
import { ProductPicker } from './product-picker.tsx';
import { rankedSuggestions } from './ranked-suggestions.ts';
import { DISMISS_REASONS, useTriage } from './use-triage.ts';
import './inbox.css';

const route = getRouteApi('/_app/inbox');

type Dialog =
  | { kind: 'dismiss' | 'link' | 'product'; targets: Feedback[] }
  | { kind: 'confirm'; title: string; effect: string; confirmLabel: string; run: () => void };

const plural = (n: number) => (n === 1 ? '1 item' : `${n} items`);

/**
 * Observe: the triage inbox. A split view (list, and the item under the cursor), driven entirely by
 * the keyboard (inbox-commands.ts) or the mouse. After each action the next item opens.
 */
export function InboxScreen() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const client = useQueryClient();
  const list = useInboxList(search);
  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const products = useQuery(queries.products());
  const patterns = useQuery(queries.patterns());
  const productList = products.data?.items ?? [];
  const productById = useMemo(() => new Map(productList.map((p) => [p.id, p])), [productList]);
  const patternById = useMemo(
    () => new Map((patterns.data?.items ?? []).map((p) => [p.id, p])),
    [patterns.data],
  );

  const [cursorId, setCursorId] = useState<string | null>(search.item ?? null);
  const lastIndex = useRef(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [detailOpen, setDetailOpen] = useState(Boolean(search.item));
  // A link to an item (from the palette or a shared URL) opens it, also when the inbox is already showing.
  useEffect(() => {
    if (!search.item) return;
    setCursorId(search.item);
    setDetailOpen(true);
  }, [search.item]);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const searchInput = useRef<HTMLInputElement>(null);
  const moderation = search.view === 'moderation';
  const fresh = useFreshCount(search.productId);
  // New items join the list only when asked, so nothing moves under the cursor; it stays on its item.
  const showFresh = () => {
    clearFreshItems();
    void client.invalidateQueries({ queryKey: INBOX_KEY });
  };
  const triage = useTriage({ leavesView: moderation || (search.status ?? 'new') === 'new' });

  // The cursor follows its item; when the item leaves the list (linked, dismissed), the one now in its place opens.
  let cursorIndex = items.findIndex((item) => item.id === cursorId);
  if (cursorIndex < 0 && items.length > 0) cursorIndex = Math.min(lastIndex.current, items.length - 1);
  if (cursorIndex >= 0) lastIndex.current = cursorIndex;
  const linkedFromElsewhere = useQuery({
    ...queries.feedback(search.item ?? ''),
    enabled: Boolean(search.item) && cursorId === search.item && !items.some((i) => i.id === search.item),
  });
  const current: Feedback | undefined =
    cursorId === search.item && linkedFromElsewhere.data ? linkedFromElsewhere.data : items[cursorIndex];

  // Suggestions for the next items are fetched ahead, so 1–3 never wait after the cursor moves.
  useEffect(() => {
    for (const next of items.slice(cursorIndex, cursorIndex + 3)) {
      if (next.status === 'new' && !moderation) void client.prefetchQuery(queries.suggestions(next.id));
    }
  }, [client, items, cursorIndex, moderation]);

  const setSearch = useCallback(
    (patch: Partial<InboxSearch>) =>
      void navigate({ search: (previous) => ({ ...previous, ...patch, item: undefined }), replace: true }),
    [navigate],
  );

  const move = (delta: number) => {
    if (items.length === 0) return;
    const next = Math.max(0, Math.min(items.length - 1, cursorIndex + delta));
    setCursorId(items[next].id);
  };

  const targets = (): Feedback[] => {
    if (selected.size > 0) return items.filter((item) => selected.has(item.id));
    return current ? [current] : [];
  };

  /** Runs an action on its targets (after one confirmation when several), then opens the next item. */
  const perform = (
    done: Feedback[],
    confirm: { title: string; effect: string; confirmLabel: string },
    run: () => void,
  ) => {
    const finish = () => {
      run();
      const gone = new Set(done.map((item) => item.id));
      const after = items.slice(cursorIndex + 1).find((item) => !gone.has(item.id));
      const before = items
        .slice(0, cursorIndex)
        .reverse()
        .find((item) => !gone.has(item.id));
      setCursorId((after ?? before)?.id ?? null);
      setSelected(new Set());
      setDialog(null);
    };
    if (done.length > 1) setDialog({ kind: 'confirm', ...confirm, run: finish });
    else finish();
  };

  const linkTo = (pattern: { id: string; title: string }, done = targets()) =>
    perform(
      done,
      {
        title: `Link ${plural(done.length)}?`,
        effect: `${plural(done.length)} will be linked to “${pattern.title}” and leave the inbox.`,
        confirmLabel: `Link ${plural(done.length)}`,
      },
      () => triage.link(done, pattern),
    );

  const linkSuggestion = (rank: number) => {
    if (!current || moderation) return;
    const answer = client.getQueryData<Suggestions>(queries.suggestions(current.id).queryKey);
    const suggestion = answer ? rankedSuggestions(answer)[rank - 1] : undefined;
    if (!answer) showToast('Suggestions are still loading');
    else if (!suggestion) showToast(`There is no suggestion ${rank}; press l to pick a pattern`);
    else linkTo({ id: suggestion.patternId, title: suggestion.title });
  };

  const open = (kind: 'dismiss' | 'link' | 'product') => {
    const done = targets();
    if (done.length === 0 || moderation) return;
    setDialog({ kind, targets: done });
  };

  const moderate = (decision: 'approve' | 'reject') => {
    const done = targets();
    if (!moderation || done.length === 0) return;
    const effect =
      decision === 'approve'
        ? `${plural(done.length)} will move into the inbox.`
        : `${plural(done.length)} will be dismissed as spam.`;
    perform(
      done,
      {
        title: `${decision === 'approve' ? 'Approve' : 'Reject'} ${plural(done.length)}?`,
        effect,
        confirmLabel: decision === 'approve' ? 'Approve' : 'Reject as spam',
      },
      () => triage.moderate(done, decision),
    );
  };

  useInboxCommands({
    moderation,
    next: () => move(1),
    previous: () => move(-1),
    openItem: () => {
      setDetailOpen(true);
      document.getElementById('detail-who')?.focus();
    },
    close: () => {
      if (selected.size > 0) setSelected(new Set());
      else setDetailOpen(false);
    },
    toggleSelect: () => {
      if (!current) return;
      const next = new Set(selected);
      if (next.has(current.id)) next.delete(current.id);
      else next.add(current.id);
      setSelected(next);
      move(1);
    },
    selectAll: () => setSelected(new Set(items.map((item) => item.id))),
    linkSuggestion,
    pickPattern: () => open('link'),
    dismiss: () => open('dismiss'),
    setProduct: () => open('product'),
    undo: triage.undo,
    focusSearch: () => searchInput.current?.focus(),
    approve: () => moderate('approve'),
    reject: () => moderate('reject'),
    showQueue: (view) => setSearch({ view, status: undefined }),
    showFresh,
  });

  const actions = moderation
    ? [
        { label: 'Approve', keys: 'a', run: () => moderate('approve') },
        { label: 'Reject as spam', keys: 'r', run: () => moderate('reject'), tone: 'danger' as const },
      ]
    : [
        { label: 'Link', keys: 'l', run: () => open('link') },
        { label: 'Dismiss', keys: 'd', run: () => open('dismiss') },
        { label: 'Product', keys: 'p', run: () => open('product') },
        { label: 'Undo', keys: 'u', run: triage.undo },
      ];

  return (
    <div className="inbox" data-detail-open={detailOpen && current ? 'true' : 'false'}>
      <section className="inbox-list-pane" aria-label={moderation ? 'Moderation queue' : 'Inbox'}>
        <InboxToolbar
          search={search}
          products={productList}
          count={items.length}
          hasMore={list.hasNextPage}
          selectedCount={selected.size}
          searchInput={searchInput}
          onChange={setSearch}
          onClearSelection={() => setSelected(new Set())}
          fresh={fresh}
          onShowFresh={showFresh}
        />
        {list.isPending ? (
          <p className="list-state muted">Loading…</p>
        ) : list.error ? (
          <p className="list-state error-text">Could not load the inbox: {list.error.message}</p>
        ) : items.length === 0 ? (
          <div className="list-state empty">
            <h2>
              {moderation ? 'Nothing waits for moderation' : search.q ? 'No feedback matches' : 'Inbox zero'}
            </h2>
            <p className="muted">
              {moderation
                ? 'Portal feedback appears here until someone approves it.'
                : search.q
                  ? 'Try other words, or clear the filters.'
                  : 'New feedback from every channel lands here.'}
            </p>
          </div>
        ) : (
          <InboxList
            items={items}
            cursorIndex={cursorIndex}
            selected={selected}
            products={productById}
            hasMore={list.hasNextPage}
            loadingMore={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
            label={moderation ? 'Portal feedback waiting for moderation' : 'Feedback to triage'}
            onPick={(index, how) => {
              const item = items[index];
              if (how === 'toggle') {
                const next = new Set(selected);
                if (next.has(item.id)) next.delete(item.id);
                else next.add(item.id);
                setSelected(next);
              } else {
                setCursorId(item.id);
                setDetailOpen(true);
              }
            }}
          />
        )}
      </section>
      <section className="inbox-detail-pane" aria-label="Selected feedback">
        {current ? (
          <FeedbackDetail
            key={current.id}
            item={current}
            moderation={moderation}
            products={productById}
            patterns={patternById}
            onLinkSuggestion={(s) => linkTo({ id: s.patternId, title: s.title }, [current])}
            actions={actions}
            onBack={() => setDetailOpen(false)}
          />
        ) : (
          <div className="detail-empty muted">
            <p>Nothing selected.</p>
            <p>
              <kbd>j</kbd> <kbd>k</kbd> move · <kbd>?</kbd> all shortcuts
            </p>
          </div>
        )}
      </section>

      {dialog?.kind === 'dismiss' && (
        <DismissDialog
          count={dialog.targets.length}
          onClose={() => setDialog(null)}
          onPick={(reason) => {
            const done = dialog.targets;
            const label = DISMISS_REASONS.find((r) => r.value === reason)?.label.toLowerCase();
            perform(
              done,
              {
                title: `Dismiss ${plural(done.length)}?`,
                effect: `${plural(done.length)} will leave the inbox, dismissed as ${label}.`,
                confirmLabel: `Dismiss ${plural(done.length)}`,
              },
              () => triage.dismiss(done, reason),
            );
          }}
        />
      )}
      {dialog?.kind === 'link' && (
        <PatternPicker
          count={dialog.targets.length}
          onClose={() => setDialog(null)}
          onPick={(pattern) => linkTo(pattern, dialog.targets)}
          onCreate={(title) => {
            const done = dialog.targets;
            perform(
              done,
              {
                title: `Create “${title}”?`,
                effect: `A new pattern “${title}” will be created with ${plural(done.length)}.`,
                confirmLabel: 'Create and link',
              },
              () => triage.createAndLink(done, title),
            );
          }}
        />
      )}
      {dialog?.kind === 'product' && (
        <ProductPicker
          count={dialog.targets.length}
          products={productList}
          onClose={() => setDialog(null)}
          onPick={(choice) => {
            const done = dialog.targets;
            const name = `${choice.product.name}${choice.surface ? ` · ${choice.surface}` : ''}`;
            perform(
              done,
              {
                title: `Set ${plural(done.length)} to ${name}?`,
                effect: `The product of ${plural(done.length)} becomes ${name}.`,
                confirmLabel: 'Set product',
              },
              () => triage.setProduct(done, choice.product, choice.surface),
            );
          }}
        />
      )}
      {dialog?.kind === 'confirm' && (
        <ConfirmDialog
          title={dialog.title}
          effect={dialog.effect}
          confirmLabel={dialog.confirmLabel}
          onConfirm={dialog.run}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  );
}
