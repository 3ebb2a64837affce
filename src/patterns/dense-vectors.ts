/**
 * Dense vector helpers shared by the index, clustering and near-duplicate search. Vectors are unit
 * length Float32Arrays, so a dot product is the cosine similarity.
 */

/** Dot product of equal-length vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Dot product of row `row` of a row-major matrix with `v`. */
export function dotRow(m: Float32Array, row: number, v: Float32Array): number {
  const d = v.length;
  const off = row * d;
  let s = 0;
  for (let i = 0; i < d; i++) s += m[off + i] * v[i];
  return s;
}

/** Scales `v` in place to unit length; a zero vector stays zero. Returns the original norm. */
export function normalizeInPlace(v: Float32Array | Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return n;
}

/** Serialises a vector to bytes for storage (little-endian float32, as on every platform Node runs on). */
export function vectorToBuffer(v: Float32Array): Buffer {
  return Buffer.from(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

/** Restores a vector written by {@link vectorToBuffer}; copies so the result is aligned and owned. */
export function vectorFromBuffer(buf: Uint8Array): Float32Array {
  if (buf.byteLength % 4 !== 0) throw new Error('vector buffer length must be a multiple of 4');
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new Float32Array(copy.buffer);
}
