/**
 * Hungarian algorithm (Kuhn–Munkres with potentials, O(n³)) for the best one-to-one assignment.
 * Used by the ACC clustering metric to map clusters to labels.
 */

/**
 * Returns, for each row of the rows×cols `cost` matrix, the assigned column (or -1 when there are
 * more rows than columns), minimising the total cost. Rectangular inputs are padded with zeros.
 */
export function hungarian(cost: number[][]): number[] {
  const rows = cost.length;
  const cols = rows === 0 ? 0 : Math.max(...cost.map((r) => r.length));
  const n = Math.max(rows, cols);
  if (n === 0) return [];
  const a = (i: number, j: number): number => (i < rows && j < (cost[i]?.length ?? 0) ? cost[i][j] : 0);
  // 1-based arrays as in the classic e-maxx formulation.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1);
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = a(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const result = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= n; j++) {
    const i = p[j] - 1;
    if (i < rows && j - 1 < cols) result[i] = j - 1;
  }
  return result;
}
