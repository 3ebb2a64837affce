import { useQuery } from '@tanstack/react-query';
import { queries } from '../../api/queries.ts';
import type { Pattern, Suggestions } from '../../api/types.ts';
import { formatMoney } from '../../components/format.ts';
import { Keys } from '../../components/kbd.tsx';
import { PlainText } from '../../components/plain-text.tsx';
import { rankedSuggestions } from './ranked-suggestions.ts';

interface Props {
  feedbackId: string;
  patterns: Map<string, Pattern>;
  onLink: (suggestion: Suggestions['suggestions'][number]) => void;
  disabled: boolean;
}

/**
 * The engine's top three patterns for the item, with why: the score, the words the item shares with
 * the pattern's evidence, the nearest linked quote, and the people and money already behind the
 * pattern. `1`–`3` link.
 */
export function SuggestionList({ feedbackId, patterns, onLink, disabled }: Props) {
  const { data, isPending, error } = useQuery(queries.suggestions(feedbackId));
  if (isPending) return <p className="muted suggestions-state">Finding patterns…</p>;
  if (error) return <p className="error-text suggestions-state">Suggestions unavailable: {error.message}</p>;
  const shown = rankedSuggestions(data);
  if (shown.length === 0) {
    return (
      <p className="muted suggestions-state">
        {data.suggestions.length === 0 ? 'No patterns yet.' : 'No pattern fits this item.'} Press{' '}
        <Keys sequence="l" /> to pick one or create it.
      </p>
    );
  }
  return (
    <ol className="suggestions" aria-label="Suggested patterns">
      {data.noneFits && (
        <li className="suggestion-note muted">
          None fits well; the closest are below. Consider a new pattern.
        </li>
      )}
      {shown.map((suggestion, index) => {
        const pattern = patterns.get(suggestion.patternId);
        const arr = pattern?.arrAtStake[0];
        return (
          <li key={suggestion.patternId}>
            <button
              type="button"
              className={`suggestion${suggestion.score < 0.2 ? ' weak' : ''}`}
              onClick={() => onLink(suggestion)}
              disabled={disabled}
              aria-keyshortcuts={String(index + 1)}
            >
              <span className="suggestion-key">
                <Keys sequence={String(index + 1)} />
              </span>
              <span className="suggestion-body">
                <span className="suggestion-title">{suggestion.title}</span>
                <span className="suggestion-why">
                  <span className="score" title="similarity to the pattern's evidence, 0–100">
                    <span className="score-bar" aria-hidden="true">
                      <span style={{ width: `${Math.round(suggestion.score * 100)}%` }} />
                    </span>
                    {Math.round(suggestion.score * 100)}
                  </span>
                  {suggestion.matchedTerms.length > 0 && (
                    <span className="terms">
                      {suggestion.matchedTerms.slice(0, 6).map((term) => (
                        <mark key={term}>{term}</mark>
                      ))}
                    </span>
                  )}
                </span>
                {suggestion.quotes[0] && (
                  <span
                    className="suggestion-quote"
                    title="the pattern's linked feedback nearest to this item"
                  >
                    “<PlainText text={suggestion.quotes[0].text} />”
                  </span>
                )}
                {pattern && (
                  <span className="suggestion-weight muted">
                    {pattern.feedbackCount === 1 ? '1 item' : `${pattern.feedbackCount} items`}
                    {pattern.accountCount > 0 &&
                      ` · ${pattern.accountCount === 1 ? '1 account' : `${pattern.accountCount} accounts`}`}
                    {arr ? ` · ${formatMoney(arr.amount, arr.currency, true)} ARR at stake` : ''}
                  </span>
                )}
              </span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}
