import { displayKeys } from '../commands/keyboard.ts';

/** A key sequence as keycaps: "g i" → [G] [I]; "mod+k" → [Ctrl+K] or [⌘K]. */
export function Keys({ sequence }: { sequence: string }) {
  return (
    <span className="keys">
      {displayKeys(sequence).map((step, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a sequence may repeat a key
        <kbd key={index}>{step}</kbd>
      ))}
    </span>
  );
}
