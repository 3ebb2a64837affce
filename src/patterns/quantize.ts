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
