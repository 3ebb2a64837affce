/**
 * Clustering quality metrics as used in the intent-discovery literature: NMI with arithmetic-mean
 * normalisation, adjusted Rand index and accuracy under the best one-to-one cluster→label mapping.
 */
import { hungarian } from './hungarian.ts';

interface Contingency {
  table: number[][];
  rowSums: number[];
  colSums: number[];
  n: number;
}

function contingency(
  truth: readonly (string | number)[],
  predicted: readonly (string | number)[],
): Contingency {
  if (truth.length !== predicted.length) throw new Error('truth and predicted must have the same length');
  const rowIds = new Map<string | number, number>();
  const colIds = new Map<string | number, number>();
  for (const t of truth) if (!rowIds.has(t)) rowIds.set(t, rowIds.size);
  for (const p of predicted) if (!colIds.has(p)) colIds.set(p, colIds.size);
  const table = Array.from({ length: rowIds.size }, () => new Array<number>(colIds.size).fill(0));
  for (let i = 0; i < truth.length; i++) table[rowIds.get(truth[i])!][colIds.get(predicted[i])!]++;
  const rowSums = table.map((r) => r.reduce((a, b) => a + b, 0));
  const colSums = new Array<number>(colIds.size).fill(0);
  for (const r of table) for (let j = 0; j < r.length; j++) colSums[j] += r[j];
  return { table, rowSums, colSums, n: truth.length };
}

function entropy(counts: number[], n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/** Normalised mutual information, I(T;P) / ((H(T)+H(P))/2). Two single-cluster labelings score 1. */
export function nmi(truth: readonly (string | number)[], predicted: readonly (string | number)[]): number {
  const { table, rowSums, colSums, n } = contingency(truth, predicted);
  if (n === 0) return 0;
  let mi = 0;
  for (let i = 0; i < table.length; i++) {
    for (let j = 0; j < colSums.length; j++) {
      const c = table[i][j];
      if (c > 0) mi += (c / n) * Math.log((c * n) / (rowSums[i] * colSums[j]));
    }
  }
  const denom = (entropy(rowSums, n) + entropy(colSums, n)) / 2;
  if (denom === 0) return 1;
  return Math.max(0, Math.min(1, mi / denom));
}

const pairs = (x: number): number => (x * (x - 1)) / 2;

/** Adjusted Rand index (Hubert & Arabie). Identical partitions score 1, random ones about 0. */
export function ari(truth: readonly (string | number)[], predicted: readonly (string | number)[]): number {
  const { table, rowSums, colSums, n } = contingency(truth, predicted);
  if (n < 2) return 1;
  let index = 0;
  for (const r of table) for (const c of r) index += pairs(c);
  const a = rowSums.reduce((s, x) => s + pairs(x), 0);
  const b = colSums.reduce((s, x) => s + pairs(x), 0);
  const expected = (a * b) / pairs(n);
  const max = (a + b) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

/** Clustering accuracy: fraction of items correct under the best one-to-one cluster→label mapping. */
export function clusterAccuracy(
  truth: readonly (string | number)[],
  predicted: readonly (string | number)[],
): number {
  const { table, n } = contingency(truth, predicted);
  if (n === 0) return 0;
  // Hungarian minimises, so maximise matches by negating counts; predicted clusters are the rows.
  const cols = table.length;
  const rows = table[0]?.length ?? 0;
  const cost = Array.from({ length: rows }, (_, p) => Array.from({ length: cols }, (_, t) => -table[t][p]));
  const assignment = hungarian(cost);
  let correct = 0;
  assignment.forEach((t, p) => {
    if (t >= 0) correct += table[t][p];
  });
  return correct / n;
}
