/**
 * 8-bit quantisation of example vectors kept inside the index. The index must remember each linked
 * item's vector to subtract it on unlink; at 1M items float32 would cost 2 GB, int8 costs a quarter.
 * The pattern sums are built from the *dequantised* vectors so add followed by remove is exact.
 */

/** An int8 vector with one scale factor. */
export interface QuantizedVector {
  q: Int8Array;
  scale: number;
}

/** Quantises symmetrically to [-127, 127]. */
export function quantize(v: Float32Array): QuantizedVector {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  const scale = max > 0 ? max / 127 : 1;
  const q = new Int8Array(v.length);
  for (let i = 0; i < v.length; i++) q[i] = Math.round(v[i] / scale);
  return { q, scale };
}

/** Adds `sign` × the dequantised vector into `target`. */
export function addDequantized(target: Float64Array, qv: QuantizedVector, sign: 1 | -1): void {
  const s = sign * qv.scale;
  for (let i = 0; i < qv.q.length; i++) target[i] += s * qv.q[i];
}

/** Dot product of a float vector with a quantised one. */
export function dotQuantized(v: Float32Array, qv: QuantizedVector): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * qv.q[i];
  return s * qv.scale;
}

/**
 * Quantises `v` into row `row` of a packed int8 block (row length `v.length`) exactly as `quantize`
 * does, and returns the scale. Packing every example of a pattern in one block avoids an object and an
 * array buffer per example (≈ 150 bytes each at 1M links).
 */
export function quantizeRow(v: Float32Array, block: Int8Array, row: number): number {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  const scale = max > 0 ? max / 127 : 1;
  const o = row * v.length;
  for (let i = 0; i < v.length; i++) block[o + i] = Math.round(v[i] / scale);
  return scale;
}

/** Adds `sign` × the dequantised row `row` (length `target.length`) of `block` into `target`. */
export function addDequantizedRow(
  target: Float64Array,
  block: Int8Array,
  row: number,
  scale: number,
  sign: 1 | -1,
): void {
  const s = sign * scale;
  const o = row * target.length;
  for (let i = 0; i < target.length; i++) target[i] += s * block[o + i];
}

/**
 * Dot product of `v` (a float32 vector widened to float64, which saves a conversion per term) with the
 * dequantised row `row` of `block`: the same arithmetic, hence the same result, as `dotQuantized`.
 */
export function dotQuantizedRow(v: Float64Array, block: Int8Array, row: number, scale: number): number {
  const o = row * v.length;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * block[o + i];
  return s * scale;
}

/**
 * `out[i]` = `dotQuantizedRow(v, block, rows[i], scales[rows[i]])` for i < count, bit for bit, four
 * rows at a time (four independent sums, each in index order, hide the latency of the additions).
 */
export function dotQuantizedRows(
  v: Float64Array,
  block: Int8Array,
  rows: Int32Array,
  count: number,
  scales: Float64Array,
  out: Float64Array,
): void {
  const d = v.length;
  let i = 0;
  for (; i + 3 < count; i += 4) {
    const o0 = rows[i] * d;
    const o1 = rows[i + 1] * d;
    const o2 = rows[i + 2] * d;
    const o3 = rows[i + 3] * d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let t = 0; t < d; t++) {
      const x = v[t];
      s0 += x * block[o0 + t];
      s1 += x * block[o1 + t];
      s2 += x * block[o2 + t];
      s3 += x * block[o3 + t];
    }
    out[i] = s0 * scales[rows[i]];
    out[i + 1] = s1 * scales[rows[i + 1]];
    out[i + 2] = s2 * scales[rows[i + 2]];
    out[i + 3] = s3 * scales[rows[i + 3]];
  }
  for (; i < count; i++) out[i] = dotQuantizedRow(v, block, rows[i], scales[rows[i]]);
}
