import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { queries } from '../../api/queries.ts';
import { formatMoney, fullDate, shortAge } from '../../components/format.ts';
import { Markdown } from '../../components/markdown.tsx';
import './patterns.css';

const route = getRouteApi('/_app/patterns');

/**
 * Reflect: the patterns, biggest first as the API orders them, with the people and money behind
 * each. A first, read-only list; the patterns screen proper (merge, split, discovery) builds on it.
 */
export function PatternsScreen() {
  const { id } = route.useSearch();
  const navigate = route.useNavigate();
  const { data, isPending, error } = useQuery(queries.patterns());
  if (isPending) return <p className="page-state muted">Loading…</p>;
  if (error) return <p className="page-state error-text">Could not load patterns: {error.message}</p>;
  const chosen = data.items.find((p) => p.id === id);
  return (
    <div className="patterns-page">
      <h1 className="page-title">Patterns</h1>
      {data.items.length === 0 ? (
        <p className="muted">No patterns yet. Link feedback from the inbox (l) to create the first.</p>
      ) : (
        <table className="patterns-table">
          <thead>
            <tr>
              <th scope="col">Pattern</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Items
              </th>
              <th scope="col" className="num">
                Accounts
              </th>
              <th scope="col" className="num">
                ARR at stake
              </th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((pattern) => (
              <tr key={pattern.id} aria-current={pattern.id === id ? 'true' : undefined}>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() =>
                      void navigate({ search: { id: pattern.id === id ? undefined : pattern.id } })
                    }
                  >
                    {pattern.title}
                  </button>
                </td>
                <td>
                  <span className="badge">{pattern.status}</span>
                </td>
                <td className="num">{pattern.feedbackCount}</td>
                <td className="num">{pattern.accountCount}</td>
                <td className="num">
                  {pattern.arrAtStake.map((a) => formatMoney(a.amount, a.currency, true)).join(' + ') || '—'}
                </td>
                <td>
                  {pattern.lastSeenAt ? (
                    <time dateTime={pattern.lastSeenAt} title={fullDate(pattern.lastSeenAt)}>
                      {shortAge(pattern.lastSeenAt)}
                    </time>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {chosen && (
        <section className="pattern-card" aria-labelledby="pattern-title">
          <h2 id="pattern-title">{chosen.title}</h2>
          {chosen.description ? (
            <Markdown className="markdown" source={chosen.description} />
          ) : (
            <p className="muted">No description.</p>
          )}
        </section>
      )}
    </div>
  );
}
