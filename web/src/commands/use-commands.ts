import { useEffect, useRef } from 'react';
import { type Command, registerCommands } from './registry.ts';

/**
 * Registers a screen's commands while it is mounted. `run` always calls the latest render's
 * closure, so commands see current state without re-registering on every keystroke; the list is
 * re-registered only when `version` changes (e.g. the moderation queue swaps the triage actions).
 */
export function useCommands(build: () => Command[], version: string | number = 0): void {
  const latest = useRef(build);
  latest.current = build;
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-register only when the caller's version changes
  useEffect(() => {
    const initial = latest.current();
    const stable = initial.map((command, index) => ({
      ...command,
      run: () => (latest.current()[index] ?? command).run(),
    }));
    return registerCommands(stable);
  }, [version]);
}
