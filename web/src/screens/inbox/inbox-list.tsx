import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { Feedback, Product } from '../../api/types.ts';
import { formatMoney, fullDate, shortAge } from '../../components/format.ts';
import { PlainText } from '../../components/plain-text.tsx';

const ROW_HEIGHT = 64;

interface Props {
  items: Feedback[];
  cursorIndex: number;
  selected: Set<string>;
  products: Map<string, Product>;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  onPick: (index: number, how: 'open' | 'toggle' | 'move') => void;
  label: string;
}

export const rowId = (id: string) => `inbox-row-${id}`;

/**
 * The inbox list: only the visible rows are in the DOM (TanStack Virtual), so 50 or 50,000 loaded
 * items scroll alike. It is one listbox; the row under the cursor is its active descendant, so screen
 * readers follow j/k, and the cursor row is always scrolled into view.
 */
export function InboxList({
  items,
  cursorIndex,
  selected,
  products,
  hasMore,
  loadingMore,
  onLoadMore,
  onPick,
  label,
}: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastVisible = virtualRows.at(-1)?.index ?? 0;

  useEffect(() => {
    if (cursorIndex >= 0) virtualizer.scrollToIndex(cursorIndex, { align: 'auto' });
  }, [cursorIndex, virtualizer]);

  useEffect(() => {
    if (hasMore && !loadingMore && lastVisible >= items.length - 10) onLoadMore();
  }, [hasMore, loadingMore, lastVisible, items.length, onLoadMore]);

  const cursor = items[cursorIndex];
  return (
    <div
      ref={scroller}
      className="inbox-list"
      role="listbox"
      aria-label={label}
      aria-multiselectable="true"
      aria-activedescendant={cursor ? rowId(cursor.id) : undefined}
      tabIndex={0}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualRows.map((row) => {
          const item = items[row.index];
          const product = item.productId ? products.get(item.productId) : undefined;
          const isCursor = row.index === cursorIndex;
          const isSelected = selected.has(item.id);
          return (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox's keys (j/k/x/Enter) are the screen's shortcuts
            <div
              key={item.id}
              id={rowId(item.id)}
              role="option"
              tabIndex={-1}
              aria-selected={isSelected}
              aria-current={isCursor ? 'true' : undefined}
              className={`inbox-row${isCursor ? ' cursor' : ''}${isSelected ? ' selected' : ''}`}
              style={{ transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}
              onClick={(event) =>
                onPick(row.index, event.metaKey || event.ctrlKey || event.shiftKey ? 'toggle' : 'open')
              }
            >
              <span className="row-check" aria-hidden="true">
                {isSelected ? '✓' : ''}
              </span>
              <div className="row-main">
                <div className="row-top">
                  <span className="row-who">
                    {item.account?.name ?? (item.contactId ? 'Contact' : 'Anonymous')}
                  </span>
                  {item.account?.arr != null && (
                    <span
                      className="row-arr"
                      title={`ARR ${formatMoney(item.account.arr, item.account.currency)} (${item.account.currency})`}
                    >
                      {item.account.arrBase != null
                        ? formatMoney(item.account.arrBase, item.account.baseCurrency, true)
                        : formatMoney(item.account.arr, item.account.currency, true)}
                    </span>
                  )}
                  {item.account?.segment && <span className="badge">{item.account.segment}</span>}
                  <span className="row-spacer" />
                  {product && (
                    <span className="row-product">
                      {product.name}
                      {item.surface ? ` · ${item.surface}` : ''}
                    </span>
                  )}
                  <span className="badge">{item.source.channel}</span>
                  <time className="row-age" dateTime={item.receivedAt} title={fullDate(item.receivedAt)}>
                    {shortAge(item.receivedAt)}
                  </time>
                </div>
                <PlainText className="row-text" text={item.text} />
              </div>
            </div>
          );
        })}
      </div>
      {loadingMore && <div className="list-more muted">Loading more…</div>}
    </div>
  );
}
