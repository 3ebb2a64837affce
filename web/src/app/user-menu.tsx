import * as Menu from '@radix-ui/react-dropdown-menu';
import { useNavigate } from '@tanstack/react-router';
import type { User } from '../api/types.ts';
import { signOut } from './session.ts';
import { setTheme, THEMES, useTheme } from './theme.ts';

const THEME_LABELS = { system: 'System', light: 'Light', dark: 'Dark' } as const;

/** Who am I: name, email and role, the theme, sign-out. */
export function UserMenu({ user }: { user: User }) {
  const theme = useTheme();
  const navigate = useNavigate();
  const initials = user.name
    .split(/\s+/)
    .map((part) => part[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    // Not modal: the rest of the page stays in the accessibility tree (Escape or a click outside closes it).
    <Menu.Root modal={false}>
      <Menu.Trigger className="avatar-button">
        <span className="avatar" aria-hidden="true">
          {initials}
        </span>
        <span className="visually-hidden">Account menu for {user.name}</span>
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content className="menu" align="end" sideOffset={6}>
          <div className="menu-identity">
            <strong>{user.name}</strong>
            <span className="muted">{user.email}</span>
            <span className="badge">{user.role}</span>
          </div>
          <Menu.Separator className="menu-separator" />
          <Menu.Label className="menu-label">Theme</Menu.Label>
          <Menu.RadioGroup
            value={theme}
            onValueChange={(value) => setTheme(value as (typeof THEMES)[number])}
          >
            {THEMES.map((t) => (
              <Menu.RadioItem key={t} value={t} className="menu-item">
                <Menu.ItemIndicator className="menu-check">✓</Menu.ItemIndicator>
                {THEME_LABELS[t]}
              </Menu.RadioItem>
            ))}
          </Menu.RadioGroup>
          <Menu.Separator className="menu-separator" />
          <Menu.Item className="menu-item" onSelect={() => window.open('/docs', '_blank', 'noopener')}>
            API documentation
          </Menu.Item>
          <Menu.Item
            className="menu-item"
            onSelect={() => void signOut().then(() => navigate({ to: '/sign-in', search: {} }))}
          >
            Sign out
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
