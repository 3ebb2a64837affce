import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from './client.ts';
import type { FeedbackQuery } from './types.ts';

/**
 * Query options for the server state the screens share. Keys start with the API path, so the
 * event stream (api/events.ts) and mutations can invalidate or patch by path.
 */
export const queries = {
  /** Who is signed in; null when nobody is (the API answers 401). */
  me: () =>
    queryOptions({
      queryKey: ['/api/v1/me'],
      queryFn: async () => {
        const answer = await api.GET('/api/v1/me');
        if (answer.response.status === 401) return null;
        return unwrap(answer);
      },
      staleTime: 5 * 60_000,
    }),

  products: () =>
    queryOptions({
      queryKey: ['/api/v1/products'],
      queryFn: async () => unwrap(await api.GET('/api/v1/products', { params: { query: { limit: 200 } } })),
      staleTime: 60_000,
    }),

  patterns: (q?: string) =>
    queryOptions({
      queryKey: ['/api/v1/patterns', { q: q ?? null }],
      queryFn: async () =>
        unwrap(await api.GET('/api/v1/patterns', { params: { query: { limit: 200, ...(q ? { q } : {}) } } })),
      staleTime: 30_000,
    }),

  feedback: (id: string) =>
    queryOptions({
      queryKey: ['/api/v1/feedback/{id}', id],
      queryFn: async () => unwrap(await api.GET('/api/v1/feedback/{id}', { params: { path: { id } } })),
    }),

  feedbackPage: (query: FeedbackQuery) =>
    queryOptions({
      queryKey: ['/api/v1/feedback', query],
      queryFn: async () => unwrap(await api.GET('/api/v1/feedback', { params: { query } })),
    }),

  suggestions: (id: string) =>
    queryOptions({
      queryKey: ['/api/v1/feedback/{id}/suggestions', id],
      queryFn: async () =>
        unwrap(
          await api.GET('/api/v1/feedback/{id}/suggestions', {
            params: { path: { id }, query: { limit: 3 } },
          }),
        ),
      staleTime: 60_000,
    }),

  contact: (id: string) =>
    queryOptions({
      queryKey: ['/api/v1/contacts/{id}', id],
      queryFn: async () => unwrap(await api.GET('/api/v1/contacts/{id}', { params: { path: { id } } })),
      staleTime: 5 * 60_000,
    }),
};
