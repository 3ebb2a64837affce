import { useQuery } from '@tanstack/react-query';
import { useDeferredValue } from 'react';
import { api, unwrap } from '../api/client.ts';
import type { Ok } from '../api/types.ts';

export type SearchHit = Ok<'/api/v1/search'>['items'][number];

/** What the palette finds for a typed term: GET /api/v1/search, ranked, with highlighted segments. */
export function usePaletteSearch(term: string): { hits: SearchHit[]; loading: boolean } {
  const deferred = useDeferredValue(term.trim());
  const enabled = deferred.length >= 2;
  const result = useQuery({
    queryKey: ['/api/v1/search', deferred],
    enabled,
    staleTime: 10_000,
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/search', { params: { query: { q: deferred, limit: 12 } }, signal }))
        .items,
  });
  return { hits: enabled ? (result.data ?? []) : [], loading: enabled && result.isFetching };
}
