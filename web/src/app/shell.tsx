import { Link, Outlet, useNavigate, useRouteContext } from '@tanstack/react-router';
import { useCommands } from '../commands/use-commands.ts';
import { Keys } from '../components/kbd.tsx';
import { useLiveUpdates } from './live-updates.ts';
import { setOverlay } from './overlays.ts';
import { signOut } from './session.ts';
import { effectiveTheme, setTheme } from './theme.ts';
import { UserMenu } from './user-menu.tsx';

/** The screens in the top bar, in loop order. Later screens (discovery, improvements, …) add a line here. */
const SCREENS = [
  { to: '/inbox', label: 'Inbox', keys: 'g i' },
  { to: '/patterns', label: 'Patterns', keys: 'g p' },
] as const;

/** The signed-in frame: top bar (screens, search, who am I) and the global commands. */
export function Shell() {
  const { me } = useRouteContext({ from: '/_app' });
  const navigate = useNavigate();
  useLiveUpdates();

  useCommands(() => [
    ...SCREENS.map((screen) => ({
      id: `go.${screen.label.toLowerCase()}`,
      title: `Go to ${screen.label}`,
      group: 'Navigation',
      keys: [screen.keys],
      run: () => void navigate({ to: screen.to }),
    })),
    {
      id: 'app.palette',
      title: 'Command palette',
      group: 'General',
      keys: ['mod+k'],
      allowInInputs: true,
      hiddenInPalette: true,
      run: () => setOverlay('palette'),
    },
    {
      id: 'app.shortcuts',
      title: 'Keyboard shortcuts',
      group: 'General',
      keys: ['?'],
      run: () => setOverlay('shortcuts'),
    },
    {
      id: 'app.theme',
      title: 'Switch light / dark theme',
      group: 'General',
      keywords: ['dark mode', 'appearance'],
      run: () => setTheme(effectiveTheme() === 'dark' ? 'light' : 'dark'),
    },
    {
      id: 'app.sign-out',
      title: 'Sign out',
      group: 'General',
      keywords: ['log out'],
      run: () => void signOut().then(() => navigate({ to: '/sign-in', search: {} })),
    },
  ]);

  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/inbox" className="brand" aria-label="productOS home">
          <img src="/favicon.svg" alt="" width={20} height={20} />
          <span>productOS</span>
        </Link>
        <nav aria-label="Screens" className="screens">
          {SCREENS.map((screen) => (
            <Link
              key={screen.to}
              to={screen.to}
              className="screen-link"
              activeProps={{ 'aria-current': 'page' }}
            >
              {screen.label}
            </Link>
          ))}
        </nav>
        <button type="button" className="search-button" onClick={() => setOverlay('palette')}>
          <span className="search-label-long">Search or run a command</span>
          <span className="search-label-short">Search</span>
          <Keys sequence="mod+k" />
        </button>
        <UserMenu user={me.user} />
      </header>
      <main className="main" id="main">
        <Outlet />
      </main>
    </div>
  );
}
