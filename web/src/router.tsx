import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from '@tanstack/react-router';
import { queries } from './api/queries.ts';
import { queryClient } from './app/query-client.ts';
import { RootLayout } from './app/root-layout.tsx';
import { Shell } from './app/shell.tsx';
import { inboxListOptions } from './screens/inbox/inbox-data.ts';
import { parseInboxSearch } from './screens/inbox/inbox-search.ts';

/**
 * The route tree. Every screen is lazy-loaded from `screens/<name>/`, so the first load carries
 * only the shell. To add a screen: a route here (under `appRoute` when it needs a signed-in person),
 * a line in the shell's SCREENS, and its folder (see web/README.md).
 */
const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({ component: RootLayout });

const optionalString = (value: unknown) =>
  typeof value === 'string' && value.length <= 2000 ? value : undefined;

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (raw: Record<string, unknown>): { redirect?: string } => {
    const target = optionalString(raw.redirect);
    // Only same-site paths: "//evil.example" or "https://…" must not become an open redirect.
    return target?.startsWith('/') && !target.startsWith('//') ? { redirect: target } : {};
  },
  component: lazyRouteComponent(() => import('./screens/sign-in/sign-in-screen.tsx'), 'SignInScreen'),
});

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  validateSearch: (raw: Record<string, unknown>): { token?: string } => {
    const token = optionalString(raw.token);
    return token ? { token } : {};
  },
  component: lazyRouteComponent(() => import('./screens/setup/setup-screen.tsx'), 'SetupScreen'),
});

/** Everything under it needs a signed-in person; the shell's top bar frames it. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_app',
  beforeLoad: async ({ context, location }) => {
    const me = await context.queryClient.ensureQueryData(queries.me());
    if (!me) throw redirect({ to: '/sign-in', search: { redirect: location.href } });
    return { me };
  },
  component: Shell,
});

const homeRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/inbox' });
  },
});

const inboxRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/inbox',
  validateSearch: parseInboxSearch,
  loaderDeps: ({ search }) => search,
  // Started, not awaited: the first page, products and patterns load while the screen's code does.
  loader: ({ context, deps }) => {
    void context.queryClient.prefetchInfiniteQuery(inboxListOptions(deps));
    void context.queryClient.prefetchQuery(queries.products());
    void context.queryClient.prefetchQuery(queries.patterns());
  },
  component: lazyRouteComponent(() => import('./screens/inbox/inbox-screen.tsx'), 'InboxScreen'),
});

const patternsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/patterns',
  validateSearch: (raw: Record<string, unknown>): { id?: string } => {
    const id = optionalString(raw.id);
    return id ? { id } : {};
  },
  component: lazyRouteComponent(() => import('./screens/patterns/patterns-screen.tsx'), 'PatternsScreen'),
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  setupRoute,
  appRoute.addChildren([homeRoute, inboxRoute, patternsRoute]),
]);

export const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPreload: 'intent',
  scrollRestoration: false,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
