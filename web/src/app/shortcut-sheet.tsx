import * as Dialog from '@radix-ui/react-dialog';
import { useRegisteredCommands } from '../commands/registry.ts';
import { Keys } from '../components/kbd.tsx';
import { setOverlay, useOverlay } from './overlays.ts';

/** "?": every key of the current screen and the global ones, grouped, from the command registry. */
export function ShortcutSheet() {
  const open = useOverlay() === 'shortcuts';
  const commands = useRegisteredCommands().filter((c) => c.keys && c.keys.length > 0);
  const groups = new Map<string, typeof commands>();
  for (const command of commands) groups.set(command.group, [...(groups.get(command.group) ?? []), command]);
  return (
    <Dialog.Root open={open} onOpenChange={(next) => setOverlay(next ? 'shortcuts' : null)}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog shortcut-sheet">
          <Dialog.Title>Keyboard shortcuts</Dialog.Title>
          <Dialog.Description className="muted">
            Everything here also runs from the palette.
          </Dialog.Description>
          <div className="shortcut-groups">
            {[...groups].map(([group, list]) => (
              <section key={group}>
                <h3>{group}</h3>
                <dl>
                  {list.map((command) => (
                    <div key={command.id} className="shortcut-row">
                      <dt>{command.title}</dt>
                      <dd>
                        {command.keys?.map((k) => (
                          <Keys key={k} sequence={k} />
                        ))}
                      </dd>
                    </div>
                  ))}
                </dl>
              </section>
            ))}
          </div>
          <Dialog.Close className="button quiet dialog-close">
            Close <kbd>Esc</kbd>
          </Dialog.Close>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
