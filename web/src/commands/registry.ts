import { useSyncExternalStore } from 'react';

/**
 * A command is anything a person can do from the keyboard or the command palette: go somewhere,
 * act on the current item, open a sheet. Screens register theirs while mounted (useCommands);
 * the keyboard listener, the palette and the shortcut sheet all read this one registry, so a
 * shortcut is declared once and is listed everywhere.
 */
export interface Command {
  /** Stable id, e.g. "inbox.dismiss". */
  id: string;
  /** What it does, as the palette and the shortcut sheet show it: "Dismiss with a reason". */
  title: string;
  /** Heading it is listed under: "Navigation", "Inbox", "Account". */
  group: string;
  /**
   * Key sequences that run it, in the notation of keyboard.ts: "j", "shift+d", "g i" (g then i),
   * "mod+k" (Ctrl, or ⌘ on macOS), "?". Several sequences may run the same command.
   */
  keys?: string[];
  run: () => void;
  /** Left out of the palette (e.g. j/k, which only make sense as keys). */
  hiddenInPalette?: boolean;
  /** Also runs while a text field has focus (Escape, mod+k). */
  allowInInputs?: boolean;
  /** Extra words the palette matches on. */
  keywords?: string[];
}

let commands: Command[] = [];
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

/** Adds commands; the returned function removes exactly those. Later registrations win a key. */
export function registerCommands(added: Command[]): () => void {
  commands = [...commands, ...added];
  emit();
  return () => {
    commands = commands.filter((c) => !added.includes(c));
    emit();
  };
}

/** The registered commands, latest first (a screen's command shadows a global one with the same key). */
export function currentCommands(): Command[] {
  return commands;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The registered commands, re-rendering when screens mount or unmount theirs. */
export function useRegisteredCommands(): Command[] {
  return useSyncExternalStore(subscribe, currentCommands);
}
