/**
 * Small seeded pseudo-random generator so every stochastic step of the engine (k-means seeding,
 * random projections, shot sampling) is reproducible from one integer seed.
 */

/** A seeded generator: `next()` returns a float in [0, 1). */
export interface Rng {
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Standard normal sample (Box–Muller). */
  gaussian(): number;
}

/**
 * Creates a mulberry32 generator. Chosen because it is tiny, fast and has good enough statistical
 * quality for sampling and initialisation (it is not cryptographic).
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0 || 0x9e3779b9;
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    gaussian: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Fisher–Yates shuffle of a copy of `items`, deterministic for the generator state. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}
