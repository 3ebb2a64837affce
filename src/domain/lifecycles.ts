import { AppError } from './errors.ts';

/** Status lifecycles of the loop's objects, as checked transition tables (DESIGN.md's domain model). */
export const PRODUCT_STATUSES = ['active', 'retired'] as const;
export const FEEDBACK_STATUSES = ['new', 'linked', 'dismissed'] as const;
export const PATTERN_STATUSES = ['emerging', 'confirmed', 'addressed', 'resolved', 'recurring'] as const;
export const IMPROVEMENT_STATUSES = [
  'proposed',
  'designing',
  'building',
  'deployed',
  'verified',
  'abandoned',
] as const;

export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];
export type PatternStatus = (typeof PATTERN_STATUSES)[number];
export type ImprovementStatus = (typeof IMPROVEMENT_STATUSES)[number];

type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

export const PRODUCT_TRANSITIONS: Transitions<ProductStatus> = {
  active: ['retired'],
  retired: ['active'],
};

export const FEEDBACK_TRANSITIONS: Transitions<FeedbackStatus> = {
  new: ['linked', 'dismissed'],
  linked: ['new', 'dismissed'],
  dismissed: ['new'],
};

export const PATTERN_TRANSITIONS: Transitions<PatternStatus> = {
  emerging: ['confirmed', 'addressed', 'resolved'],
  confirmed: ['emerging', 'addressed', 'resolved'],
  addressed: ['confirmed', 'resolved'],
  resolved: ['recurring', 'confirmed'],
  recurring: ['addressed', 'resolved', 'confirmed'],
};

export const IMPROVEMENT_TRANSITIONS: Transitions<ImprovementStatus> = {
  proposed: ['designing', 'abandoned'],
  designing: ['proposed', 'building', 'abandoned'],
  building: ['designing', 'deployed', 'abandoned'],
  deployed: ['verified', 'building'],
  verified: ['deployed'],
  abandoned: ['proposed'],
};

/**
 * Checks a status change against its table. Staying in the same status is allowed (a no-op);
 * an illegal move is a `conflict` that names the allowed next states.
 */
export function assertTransition<S extends string>(
  what: string,
  table: Transitions<S>,
  from: S,
  to: S,
): void {
  if (from === to) return;
  const allowed = table[from] ?? [];
  if (!allowed.includes(to)) {
    const next = allowed.length > 0 ? allowed.join(', ') : 'none';
    throw new AppError(
      'conflict',
      `${what} cannot move from ${from} to ${to}; allowed next: ${next}`,
      { status: `allowed from ${from}: ${next}` },
      { from, to, allowed: [...allowed] },
    );
  }
}
