/**
 * Inverted-file partition over pattern centroids (IVF): patterns are grouped into cells by k-means on
 * their centroids; a query scores the cell centres first and only the patterns of its best cells.
 * With √P cells and a handful of probes this touches ~1/15 of the patterns at 20k patterns.
 */
import { sphericalKMeans } from './kmeans.ts';

/** Patterns grouped under coarse cells; membership is kept up to date as centroids move. */
export class CentroidPartition {
  readonly d: number;
  private cellCentres: Float32Array = new Float32Array(0);
  private cells: Set<string>[] = [];
  private cellOf = new Map<string, number[]>();
  /** Each pattern is listed in its `replicas` nearest cells (soft assignment raises probe recall). */
  readonly replicas: number;

  constructor(d: number, replicas = 1) {
    this.d = d;
    this.replicas = Math.max(1, replicas);
  }

  /** Number of cells (0 = not built). */
  get size(): number {
    return this.cells.length;
  }

  /** Re-clusters all centroids into ≈√P cells. */
  rebuild(centroids: Map<string, Float32Array>, seed: number): void {
    const ids = [...centroids.keys()];
    const count = Math.max(1, Math.round(Math.sqrt(ids.length)));
    const data = new Float32Array(ids.length * this.d);
    ids.forEach((id, i) => {
      data.set(centroids.get(id)!, i * this.d);
    });
    const res = sphericalKMeans({ data, n: ids.length, d: this.d }, count, { seed, maxIterations: 8 });
    this.cellCentres = res.centroids;
    this.cells = Array.from({ length: res.k }, () => new Set<string>());
    this.cellOf.clear();
    ids.forEach((id) => {
      this.place(id, centroids.get(id)!);
    });
  }

  /** Places (or moves) a pattern into the cells nearest its current centroid. */
  place(id: string, centroid: Float32Array): void {
    if (this.cells.length === 0) return;
    const best = this.rankCells(centroid, this.replicas);
    const old = this.cellOf.get(id);
    if (old && old.length === best.length && old.every((c, i) => c === best[i])) return;
    if (old) for (const c of old) this.cells[c].delete(id);
    for (const c of best) this.cells[c].add(id);
    this.cellOf.set(id, best);
  }

  /** Forgets a pattern. */
  remove(id: string): void {
    const old = this.cellOf.get(id);
    if (old) for (const c of old) this.cells[c].delete(id);
    this.cellOf.delete(id);
  }

  /** Pattern ids in the `probes` cells closest to `query`. */
  candidates(query: Float32Array, probes: number): string[] {
    const out = new Set<string>();
    for (const c of this.rankCells(query, probes)) for (const id of this.cells[c]) out.add(id);
    return [...out];
  }

  private rankCells(query: Float32Array, probes: number): number[] {
    const { d } = this;
    const scores: [number, number][] = [];
    for (let c = 0; c < this.cells.length; c++) {
      let s = 0;
      const o = c * d;
      for (let t = 0; t < d; t++) s += query[t] * this.cellCentres[o + t];
      scores.push([c, s]);
    }
    scores.sort((a, b) => b[1] - a[1]);
    return scores.slice(0, probes).map(([c]) => c);
  }
}
