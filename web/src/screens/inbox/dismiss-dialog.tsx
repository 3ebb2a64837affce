import { Modal } from '../../components/modal.tsx';
import { DISMISS_REASONS, type DismissReason } from './use-triage.ts';

/** `d`: why this leaves the inbox. 1–3 or click picks the reason; Escape cancels. */
export function DismissDialog({
  count,
  onPick,
  onClose,
}: {
  count: number;
  onPick: (reason: DismissReason) => void;
  onClose: () => void;
}) {
  return (
    <Modal
      title={count === 1 ? 'Dismiss this item' : `Dismiss ${count} items`}
      description="Pick a reason. Dismissed feedback leaves the inbox; u undoes."
      onClose={onClose}
      onKeyDown={(event) => {
        const reason = DISMISS_REASONS[Number(event.key) - 1];
        if (reason) {
          event.preventDefault();
          onPick(reason.value);
        }
      }}
    >
      <div className="choice-list">
        {DISMISS_REASONS.map((reason, index) => (
          <button
            key={reason.value}
            type="button"
            className="choice"
            onClick={() => onPick(reason.value)}
            aria-keyshortcuts={String(index + 1)}
            autoFocus={index === 0}
          >
            <kbd>{index + 1}</kbd> {reason.label}
          </button>
        ))}
      </div>
    </Modal>
  );
}
