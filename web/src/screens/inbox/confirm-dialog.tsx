import { Modal } from '../../components/modal.tsx';

/** The one confirmation a bulk action asks for, naming how many items and what happens to them. */
export function ConfirmDialog({
  title,
  effect,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  effect: string;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Modal title={title} description={effect} onClose={onClose}>
      <div className="dialog-buttons">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button primary" onClick={onConfirm} autoFocus>
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
