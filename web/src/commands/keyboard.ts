import { useEffect } from 'react';
import { type Command, currentCommands } from './registry.ts';

/** How long the second key of a sequence ("g i") may follow the first. */
const SEQUENCE_MS = 1200;

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** One key press in the registry's notation: "j", "shift+d", "mod+k", "?", "escape", "enter". */
export function keyOf(event: KeyboardEvent): string {
  const parts: string[] = [];
  if (isMac ? event.metaKey : event.ctrlKey) parts.push('mod');
  if (event.altKey) parts.push('alt');
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key.toLowerCase();
  // Shifted printable characters (?, !, A) are named by the character itself, not "shift+/".
  if (event.shiftKey && event.key.length !== 1) parts.push('shift');
  if (event.shiftKey && /^[a-z]$/i.test(event.key)) parts.push('shift');
  parts.push(key === ' ' ? 'space' : key);
  return parts.join('+');
}

/** "mod+k" as a person reads it on this machine: ⌘K on macOS, Ctrl+K elsewhere. */
export function displayKeys(sequence: string): string[] {
  return sequence.split(' ').map((step) =>
    step
      .split('+')
      .map((part) => {
        if (part === 'mod') return isMac ? '⌘' : 'Ctrl';
        if (part === 'shift') return isMac ? '⇧' : 'Shift';
        if (part === 'alt') return isMac ? '⌥' : 'Alt';
        if (part === 'escape') return 'Esc';
        if (part === 'enter') return 'Enter';
        if (part === 'arrowdown') return '↓';
        if (part === 'arrowup') return '↑';
        return part.length === 1 ? part.toUpperCase() : part;
      })
      .join(isMac ? '' : '+'),
  );
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}

/** True while a modal (Radix dialog, palette) is open: its own keys apply, not the screen's. */
function modalOpen(): boolean {
  return (
    document.querySelector('[role="dialog"][data-state="open"], [role="alertdialog"][data-state="open"]') !==
    null
  );
}

/**
 * The single keyboard listener of the app. Each key press is matched against the registered
 * commands, latest registration first, including two-key sequences such as "g i".
 */
export function useKeyboardShortcuts(): void {
  useEffect(() => {
    let pending: { key: string; at: number } | null = null;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      if (['Shift', 'Control', 'Meta', 'Alt'].includes(event.key)) return;
      const key = keyOf(event);
      const typing = isTyping(event.target);
      const inModal = modalOpen();
      const sequence = pending && Date.now() - pending.at < SEQUENCE_MS ? `${pending.key} ${key}` : null;
      const commands = [...currentCommands()].reverse();
      const allowed = (c: Command) => (!typing && !inModal) || c.allowInInputs;
      const match =
        (sequence && commands.find((c) => allowed(c) && c.keys?.includes(sequence))) ||
        commands.find((c) => allowed(c) && c.keys?.includes(key));
      if (match) {
        pending = null;
        event.preventDefault();
        match.run();
        return;
      }
      const startsSequence =
        !typing && !inModal && commands.some((c) => c.keys?.some((k) => k.startsWith(`${key} `)));
      pending = startsSequence ? { key, at: Date.now() } : null;
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
