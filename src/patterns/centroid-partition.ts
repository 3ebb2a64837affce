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
  private cellOf = new Map<string, number>();

  constructor(d: number) {
    this.d = d;
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
    ids.forEach((id, i) => {
      this.cells[res.assignments[i]].add(id);
      this.cellOf.set(id, res.assignments[i]);
    });
  }

  /** Places (or moves) a pattern into the cell nearest its current centroid. */
  place(id: string, centroid: Float32Array): void {
    if (this.cells.length === 0) return;
    const best = this.rankCells(centroid, 1)[0];
    const old = this.cellOf.get(id);
    if (old === best) return;
    if (old !== undefined) this.cells[old].delete(id);
    this.cells[best].add(id);
    this.cellOf.set(id, best);
  }

  /** Forgets a pattern. */
  remove(id: string): void {
    const old = this.cellOf.get(id);
    if (old !== undefined) this.cells[old].delete(id);
    this.cellOf.delete(id);
  }

  /** Pattern ids in the `probes` cells closest to `query`. */
  candidates(query: Float32Array, probes: number): string[] {
    const out: string[] = [];
    for (const c of this.rankCells(query, probes)) for (const id of this.cells[c]) out.push(id);
    return out;
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
