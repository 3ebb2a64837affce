import { type RefObject, useEffect, useState } from 'react';
import type { Product } from '../../api/types.ts';
import { Keys } from '../../components/kbd.tsx';
import { type InboxSearch, STATUS_FILTERS } from './inbox-search.ts';
import { MoreFilters } from './more-filters.tsx';

const STATUS_LABELS = { new: 'New', linked: 'Linked', dismissed: 'Dismissed', all: 'All' } as const;

interface Props {
  search: InboxSearch;
  products: Product[];
  count: number;
  hasMore: boolean;
  selectedCount: number;
  searchInput: RefObject<HTMLInputElement | null>;
  onChange: (patch: Partial<InboxSearch>) => void;
  onClearSelection: () => void;
  /** Items that entered the inbox since the list was loaded (live updates). */
  fresh: number;
  onShowFresh: () => void;
}

/** The view switch (inbox / moderation) and the filters, all kept in the URL. */
export function InboxToolbar({
  search,
  products,
  count,
  hasMore,
  selectedCount,
  searchInput,
  onChange,
  onClearSelection,
  fresh,
  onShowFresh,
}: Props) {
  const [term, setTerm] = useState(search.q ?? '');
  useEffect(() => setTerm(search.q ?? ''), [search.q]);
  // The URL (and the list query) follows the typing after a short pause, not on every key.
  useEffect(() => {
    const next = term.trim() || undefined;
    if (next === search.q) return;
    const timer = setTimeout(() => onChange({ q: next }), 250);
    return () => clearTimeout(timer);
  }, [term, search.q, onChange]);

  const moderation = search.view === 'moderation';
  const extra = [search.channel, search.segment, search.arr, search.from, search.to, search.suggested].filter(
    Boolean,
  ).length;
  const [showMore, setShowMore] = useState(extra > 0);
  return (
    <div className="inbox-toolbar">
      <div className="view-tabs" role="tablist" aria-label="Queue">
        <button
          type="button"
          role="tab"
          aria-selected={!moderation}
          className="view-tab"
          onClick={() => onChange({ view: undefined })}
        >
          Inbox
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={moderation}
          className="view-tab"
          onClick={() => onChange({ view: 'moderation', status: undefined })}
        >
          Moderation
        </button>
      </div>
      <div className="filters">
        <label className="search-field">
          <span className="visually-hidden">Search feedback</span>
          <input
            ref={searchInput}
            type="search"
            className="input"
            placeholder="Search"
            value={term}
            onChange={(event) => setTerm(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' || event.key === 'Escape') {
                if (event.key === 'Escape') setTerm('');
                event.currentTarget.blur();
              }
            }}
          />
          {!term && <Keys sequence="/" />}
        </label>
        {!moderation && (
          <select
            className="select"
            aria-label="Status"
            value={search.status ?? 'new'}
            onChange={(event) =>
              onChange({
                status:
                  event.target.value === 'new' ? undefined : (event.target.value as InboxSearch['status']),
              })
            }
          >
            {STATUS_FILTERS.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        )}
        <select
          className="select"
          aria-label="Product"
          value={search.productId ?? ''}
          onChange={(event) => onChange({ productId: event.target.value || undefined })}
        >
          <option value="">All products</option>
          {products.map((product) => (
            <option key={product.id} value={product.id}>
              {product.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button quiet"
          aria-expanded={showMore}
          onClick={() => setShowMore(!showMore)}
        >
          Filters{extra > 0 ? ` · ${extra}` : ''}
        </button>
      </div>
      {showMore && <MoreFilters search={search} onChange={onChange} />}
      <div className="toolbar-status" aria-live="polite">
        {fresh > 0 && (
          <button type="button" className="badge accent fresh-button" onClick={onShowFresh}>
            {fresh} new
          </button>
        )}
        {selectedCount > 0 ? (
          <>
            <span className="badge accent">{selectedCount} selected</span>
            <button type="button" className="button quiet" onClick={onClearSelection}>
              Clear
            </button>
          </>
        ) : (
          <span className="muted">
            {hasMore ? `${count}+ items` : count === 1 ? '1 item' : `${count} items`}
          </span>
        )}
      </div>
    </div>
  );
}
