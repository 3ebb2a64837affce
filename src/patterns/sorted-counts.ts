/**
 * Counts keyed by integer ids, as two sorted parallel typed arrays: 4 bytes a key plus the value,
 * where a Map costs ~60 bytes an entry. Look-ups are binary searches; adding a new key shifts the
 * tail, which is cheap at the few hundred keys a pattern holds. Used for each pattern's stems
 * (PatternIndex, integer counts) and each pattern's word model (TermClassifier, weighted counts).
 */
export class SortedCounts<V extends Int32Array | Float64Array> {
  keys = new Int32Array(0);
  size = 0;

  /** `values`: an empty array of the value type. */
  constructor(public values: V) {}

  /** Position of `id`, or −(insertion point) − 1. */
  find(id: number): number {
    let lo = 0;
    let hi = this.size - 1;
    const keys = this.keys;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const k = keys[mid];
      if (k === id) return mid;
      if (k < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  /** The value of `id`, 0 when absent. */
  get(id: number): number {
    const at = this.find(id);
    return at >= 0 ? this.values[at] : 0;
  }

  /** Inserts `id` at `at`, the insertion point a failed {@link find} encoded (−result − 1). */
  insert(at: number, id: number, value: number): void {
    if (this.size === this.keys.length) this.resize(Math.max(8, Math.ceil(this.size * 1.5)));
    this.keys.copyWithin(at + 1, at, this.size);
    this.values.copyWithin(at + 1, at, this.size);
    this.keys[at] = id;
    this.values[at] = value;
    this.size++;
  }

  removeAt(at: number): void {
    this.keys.copyWithin(at, at + 1, this.size);
    this.values.copyWithin(at, at + 1, this.size);
    this.size--;
  }

  /** Drops spare capacity. */
  trim(): void {
    if (this.keys.length > this.size) this.resize(this.size);
  }

  get byteLength(): number {
    return this.keys.byteLength + this.values.byteLength;
  }

  private resize(capacity: number): void {
    this.keys = resized(this.keys.subarray(0, this.size), capacity);
    this.values = resized(this.values.subarray(0, this.size) as V, capacity);
  }
}

/** A new array of the same kind and `capacity` entries, starting with a copy of `a` (which must fit). */
export function resized<T extends Int32Array | Float64Array>(a: T, capacity: number): T {
  const out = new (a.constructor as new (n: number) => T)(capacity);
  out.set(a);
  return out;
}
