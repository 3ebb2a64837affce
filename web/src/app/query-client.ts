import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/client.ts';

/** The one cache of server state. Client errors (4xx) are answers, not blips: never retried. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});
