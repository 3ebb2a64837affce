import { api, unwrap } from '../api/client.ts';
import { queries } from '../api/queries.ts';
import type { Me } from '../api/types.ts';
import { queryClient } from './query-client.ts';

/** Signs in with the API's session cookie (HttpOnly) and its CSRF cookie; the cache then knows who. */
export async function signIn(email: string, password: string): Promise<void> {
  const result = unwrap(await api.POST('/api/v1/auth/login', { body: { email, password } }));
  const me: Me = { user: result.user, via: 'cookie' };
  queryClient.setQueryData(queries.me().queryKey, me);
}

/** Ends the session on the server and forgets every cached answer (the next person sees none). */
export async function signOut(): Promise<void> {
  try {
    await api.POST('/api/v1/auth/logout');
  } finally {
    queryClient.clear();
    queryClient.setQueryData(queries.me().queryKey, null);
  }
}
