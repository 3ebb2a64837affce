import { useQuery } from '@tanstack/react-query';
import { Command } from 'cmdk';
import { useDeferredValue, useState } from 'react';
import { queries } from '../../api/queries.ts';
import { Modal } from '../../components/modal.tsx';

/** `l`: type to filter the patterns, Enter links; the last entry creates a pattern named as typed. */
export function PatternPicker({
  count,
  onPick,
  onCreate,
  onClose,
}: {
  count: number;
  onPick: (pattern: { id: string; title: string }) => void;
  onCreate: (title: string) => void;
  onClose: () => void;
}) {
  const [term, setTerm] = useState('');
  const deferred = useDeferredValue(term.trim());
  // The first 200 patterns come from the shared cache; a typed word asks the server, for large installations.
  const all = useQuery(queries.patterns());
  const found = useQuery({ ...queries.patterns(deferred), enabled: deferred.length >= 2 });
  const patterns = (deferred.length >= 2 ? found.data : all.data)?.items ?? all.data?.items ?? [];
  return (
    <Modal
      title={count === 1 ? 'Link to a pattern' : `Link ${count} items to a pattern`}
      onClose={onClose}
      className="picker"
    >
      <Command label="Patterns" loop>
        <Command.Input
          value={term}
          onValueChange={setTerm}
          placeholder="Type to filter, or name a new pattern…"
          aria-label="Pattern name"
          className="palette-input"
          autoFocus
        />
        <Command.List className="palette-list">
          <Command.Empty className="palette-empty">No pattern matches.</Command.Empty>
          {patterns.map((pattern) => (
            <Command.Item
              key={pattern.id}
              value={`${pattern.title} ${pattern.id}`}
              onSelect={() => onPick(pattern)}
            >
              <span>{pattern.title}</span>
              <span className="muted">{pattern.feedbackCount} items</span>
            </Command.Item>
          ))}
          {term.trim() && (
            <Command.Item value={`create ${term}`} keywords={[term]} onSelect={() => onCreate(term.trim())}>
              <span>
                Create pattern “<strong>{term.trim()}</strong>”
              </span>
            </Command.Item>
          )}
        </Command.List>
      </Command>
    </Modal>
  );
}
