import type { Store } from './store/database.ts';
import type { Deps } from './usecases/context.ts';
import { createLoopServices, type LoopSettings } from './usecases/loop/services.ts';
import { createReflectServices } from './usecases/reflect/services.ts';

export interface DepsOptions {
  store: Store;
  clock?: () => Date;
  settings?: Partial<LoopSettings>;
}

/**
 * Wires the dependencies every use-case receives. The server, the CLI, benchmarks and tests all
 * build them here, so they run the same code.
 */
export function createDeps(options: DepsOptions): Deps {
  const settings: LoopSettings = { smtpUrl: null, publicUrl: 'http://127.0.0.1:3000', ...options.settings };
  return {
    store: options.store,
    clock: options.clock ?? (() => new Date()),
    subscribers: [],
    reflect: createReflectServices(options.store),
    loop: createLoopServices(options.store, settings),
  };
}

/**
 * Starts background work (index loading, outbox delivery, impact recomputation) and returns a
 * function that stops it. Tests that want deterministic timing call the work directly instead.
 */
export async function startBackground(_deps: Deps): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
