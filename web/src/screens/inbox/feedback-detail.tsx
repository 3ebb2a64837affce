import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { queries } from '../../api/queries.ts';
import type { Feedback, Pattern, Product, Suggestions } from '../../api/types.ts';
import { formatMoney, fullDate, safeHref, shortAge } from '../../components/format.ts';
import { Keys } from '../../components/kbd.tsx';
import { PlainText } from '../../components/plain-text.tsx';
import { SuggestionList } from './suggestion-list.tsx';

interface Props {
  item: Feedback;
  moderation: boolean;
  products: Map<string, Product>;
  patterns: Map<string, Pattern>;
  onLinkSuggestion: (suggestion: Suggestions['suggestions'][number]) => void;
  actions: Array<{ label: string; keys: string; run: () => void; tone?: 'danger' }>;
  onBack: () => void;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The item under the cursor: who said it and what they are worth, the full text, why the engine suggests what it does. */
export function FeedbackDetail({
  item,
  moderation,
  products,
  patterns,
  onLinkSuggestion,
  actions,
  onBack,
}: Props) {
  const contact = useQuery({ ...queries.contact(item.contactId ?? ''), enabled: item.contactId !== null });
  const others = useQuery({
    ...queries.feedbackPage({ contactId: item.contactId ?? '', limit: 6 }),
    enabled: item.contactId !== null,
  });
  const product = item.productId ? products.get(item.productId) : undefined;
  const source = safeHref(item.source.url);
  const who = contact.data?.name ?? contact.data?.email ?? (item.contactId ? '…' : 'Anonymous');
  const otherItems = (others.data?.items ?? []).filter((o) => o.id !== item.id).slice(0, 5);

  return (
    <article className="detail" aria-labelledby="detail-who">
      <header className="detail-header">
        <button
          type="button"
          className="button quiet back-button"
          onClick={onBack}
          aria-label="Back to the list"
        >
          ←
        </button>
        <div>
          <h2 id="detail-who" className="detail-who" tabIndex={-1}>
            {who}
            {item.account && <span className="muted"> · {item.account.name}</span>}
          </h2>
          {contact.data?.email && contact.data.name && <div className="muted">{contact.data.email}</div>}
        </div>
        {item.status !== 'new' && <span className="badge accent">{item.status}</span>}
      </header>

      <dl className="facts">
        {item.account?.arr != null && (
          <Fact label="ARR">
            {formatMoney(item.account.arr, item.account.currency)}
            {item.account.arrBase != null && item.account.baseCurrency !== item.account.currency && (
              <span className="muted"> ≈ {formatMoney(item.account.arrBase, item.account.baseCurrency)}</span>
            )}
          </Fact>
        )}
        {item.account?.segment && <Fact label="Segment">{item.account.segment}</Fact>}
        <Fact label="Channel">
          {source ? (
            <a href={source} target="_blank" rel="noopener noreferrer nofollow">
              {item.source.channel} ↗
            </a>
          ) : (
            item.source.channel
          )}
        </Fact>
        <Fact label="Received">
          <time dateTime={item.receivedAt} title={fullDate(item.receivedAt)}>
            {fullDate(item.receivedAt)}
          </time>
        </Fact>
        <Fact label="Product">
          {product ? (
            `${product.name}${item.surface ? ` · ${item.surface}` : ''}`
          ) : (
            <span className="muted">none</span>
          )}
        </Fact>
      </dl>

      <PlainText className="detail-text" text={item.text} />

      <div className="detail-actions" role="toolbar" aria-label="Triage actions">
        {actions.map((action) => (
          <button
            key={action.label}
            type="button"
            className={`button${action.tone === 'danger' ? ' danger' : ''}`}
            onClick={action.run}
            aria-keyshortcuts={action.keys}
          >
            {action.label} <Keys sequence={action.keys} />
          </button>
        ))}
      </div>

      {!moderation && item.status === 'new' && (
        <section className="detail-section" aria-labelledby="suggestions-heading">
          <h3 id="suggestions-heading">Suggested patterns</h3>
          <SuggestionList
            feedbackId={item.id}
            patterns={patterns}
            onLink={onLinkSuggestion}
            disabled={false}
          />
        </section>
      )}

      {otherItems.length > 0 && (
        <section className="detail-section" aria-labelledby="others-heading">
          <h3 id="others-heading">Also from {who}</h3>
          <ul className="others">
            {otherItems.map((other) => (
              <li key={other.id}>
                <PlainText className="others-text" text={other.text} />
                <span className="muted">
                  {other.status} · {shortAge(other.receivedAt)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}
