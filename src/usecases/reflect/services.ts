import type { Store } from '../../store/database.ts';

/** The pattern engine's live, in-memory state, rebuilt from and kept in step with the database. */
export interface ReflectServices {
  /** Set once the engine has loaded (filled in by the Reflect work). */
  ready: boolean;
}

export function createReflectServices(_store: Store): ReflectServices {
  return { ready: false };
}
