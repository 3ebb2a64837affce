import { useQuery } from '@tanstack/react-query';
import { useDeferredValue } from 'react';
import { api, unwrap } from '../api/client.ts';

export interface SearchHit {
  kind: 'feedback' | 'pattern';
  id: string;
  title: string;
  detail: string;
}

/** What the palette finds for a typed term: feedback and patterns whose words match. */
export function usePaletteSearch(term: string): { hits: SearchHit[]; loading: boolean } {
  const deferred = useDeferredValue(term.trim());
  const enabled = deferred.length >= 2;
  const result = useQuery({
    queryKey: ['palette-search', deferred],
    enabled,
    staleTime: 10_000,
    queryFn: async ({ signal }) => {
      const [feedback, patterns] = await Promise.all([
        api.GET('/api/v1/feedback', { params: { query: { q: deferred, limit: 8 } }, signal }).then(unwrap),
        api.GET('/api/v1/patterns', { params: { query: { q: deferred, limit: 5 } }, signal }).then(unwrap),
      ]);
      return [
        ...patterns.items.map(
          (p): SearchHit => ({
            kind: 'pattern',
            id: p.id,
            title: p.title,
            detail: `${p.feedbackCount} items`,
          }),
        ),
        ...feedback.items.map(
          (f): SearchHit => ({
            kind: 'feedback',
            id: f.id,
            title: f.text.slice(0, 140),
            detail: f.account?.name ?? f.source.channel,
          }),
        ),
      ];
    },
  });
  return { hits: enabled ? (result.data ?? []) : [], loading: enabled && result.isFetching };
}
