import { Outlet, useNavigate, useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { onSessionEnded } from '../api/client.ts';
import { queries } from '../api/queries.ts';
import { useKeyboardShortcuts } from '../commands/keyboard.ts';
import { Toaster } from '../components/toasts.tsx';
import { CommandPalette } from './command-palette.tsx';
import { queryClient } from './query-client.ts';
import { ShortcutSheet } from './shortcut-sheet.tsx';

/** Above every screen: the keyboard listener, palette, shortcut sheet, messages, session end. */
export function RootLayout() {
  useKeyboardShortcuts();
  const navigate = useNavigate();
  const router = useRouter();
  useEffect(
    () =>
      onSessionEnded(() => {
        queryClient.setQueryData(queries.me().queryKey, null);
        const here = router.state.location;
        if (here.pathname !== '/sign-in' && here.pathname !== '/setup') {
          void navigate({ to: '/sign-in', search: { redirect: here.href } });
        }
      }),
    [navigate, router],
  );
  return (
    <>
      <Outlet />
      <CommandPalette />
      <ShortcutSheet />
      <Toaster />
    </>
  );
}
