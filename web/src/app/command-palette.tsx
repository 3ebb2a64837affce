import { useNavigate } from '@tanstack/react-router';
import { Command } from 'cmdk';
import { useState } from 'react';
import { useRegisteredCommands } from '../commands/registry.ts';
import { Highlight } from '../components/highlight.tsx';
import { Keys } from '../components/kbd.tsx';
import { setOverlay, useOverlay } from './overlays.ts';
import { usePaletteSearch } from './palette-search.ts';

/**
 * Ctrl/⌘+K: every registered command (go to a screen, the current screen's actions) and search
 * results for what is typed. Screens add their actions with useCommands; nothing is listed here.
 */
export function CommandPalette() {
  const open = useOverlay() === 'palette';
  const [term, setTerm] = useState('');
  const commands = useRegisteredCommands();
  const navigate = useNavigate();
  const { hits, loading } = usePaletteSearch(open ? term : '');

  const close = () => {
    setOverlay(null);
    setTerm('');
  };
  const groups = new Map<string, typeof commands>();
  for (const command of commands) {
    if (command.hiddenInPalette) continue;
    groups.set(command.group, [...(groups.get(command.group) ?? []), command]);
  }

  return (
    <Command.Dialog
      open={open}
      onOpenChange={(next) => (next ? setOverlay('palette') : close())}
      label="Command palette"
      className="palette"
      overlayClassName="overlay"
      contentClassName="palette-content"
      loop
    >
      <Command.Input
        value={term}
        onValueChange={setTerm}
        placeholder="Type a command or search…"
        aria-label="Command or search"
        className="palette-input"
      />
      <Command.List className="palette-list">
        <Command.Empty className="palette-empty">{loading ? 'Searching…' : 'Nothing found.'}</Command.Empty>
        {[...groups].map(([group, list]) => (
          <Command.Group key={group} heading={group}>
            {list.map((command) => (
              <Command.Item
                key={command.id}
                value={`${command.group} ${command.title}`}
                keywords={command.keywords}
                onSelect={() => {
                  close();
                  command.run();
                }}
              >
                <span>{command.title}</span>
                {command.keys?.[0] && <Keys sequence={command.keys[0]} />}
              </Command.Item>
            ))}
          </Command.Group>
        ))}
        {hits.length > 0 && (
          <Command.Group heading="Search results">
            {hits.map((hit) => (
              <Command.Item
                key={`${hit.type}:${hit.id}`}
                value={`${hit.type}:${hit.id}`}
                keywords={[term]}
                onSelect={() => {
                  close();
                  if (hit.type === 'pattern') void navigate({ to: '/patterns', search: { id: hit.id } });
                  else if (hit.type === 'feedback')
                    void navigate({ to: '/inbox', search: { item: hit.id, status: 'all' } });
                  else if (hit.type === 'product')
                    void navigate({ to: '/inbox', search: { productId: hit.id } });
                }}
              >
                <span className="badge">{hit.type}</span>
                <span className="palette-hit">
                  <Highlight segments={hit.title.length > 0 ? hit.title : hit.snippet} />
                  {hit.title.length > 0 && hit.snippet.length > 0 && (
                    <span className="muted">
                      {' '}
                      · <Highlight segments={hit.snippet} />
                    </span>
                  )}
                </span>
              </Command.Item>
            ))}
          </Command.Group>
        )}
      </Command.List>
    </Command.Dialog>
  );
}
