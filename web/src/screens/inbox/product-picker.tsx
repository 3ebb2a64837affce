import { Command } from 'cmdk';
import type { Product } from '../../api/types.ts';
import { Modal } from '../../components/modal.tsx';

export interface ProductChoice {
  product: { id: string | null; name: string };
  surface: string | null;
}

/** `p`: the product (and optionally one of its surfaces) the feedback is about; type to filter. */
export function ProductPicker({
  count,
  products,
  onPick,
  onClose,
}: {
  count: number;
  products: Product[];
  onPick: (choice: ProductChoice) => void;
  onClose: () => void;
}) {
  const choices: Array<ProductChoice & { label: string }> = [
    { label: 'No product', product: { id: null, name: 'no product' }, surface: null },
  ];
  for (const product of products) {
    choices.push({ label: product.name, product, surface: null });
    for (const surface of product.surfaces) {
      choices.push({ label: `${product.name} · ${surface.name}`, product, surface: surface.name });
    }
  }
  return (
    <Modal
      title={count === 1 ? 'Set product and surface' : `Set the product of ${count} items`}
      onClose={onClose}
      className="picker"
    >
      <Command label="Products" loop>
        <Command.Input
          placeholder="Type a product or surface…"
          aria-label="Product or surface"
          className="palette-input"
          autoFocus
        />
        <Command.List className="palette-list">
          <Command.Empty className="palette-empty">No product matches.</Command.Empty>
          {choices.map((choice) => (
            <Command.Item key={choice.label} value={choice.label} onSelect={() => onPick(choice)}>
              {choice.label}
            </Command.Item>
          ))}
        </Command.List>
      </Command>
    </Modal>
  );
}
