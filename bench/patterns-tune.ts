/**
 * Development harness for tuning the representation on the tuning splits (CLINC150 val, HWU64 train):
 * prints discovery NMI and nearest-centroid 10-shot accuracy for option variants given as JSON.
 * Usage: node --import tsx bench/patterns-tune.ts clinc|hwu '{"lsaDims":256}'
 */
import { readFileSync } from 'node:fs';
import { parseLabelledCsv } from '../src/patterns/csv.ts';
import { sphericalKMeans } from '../src/patterns/kmeans.ts';
import { nmi } from '../src/patterns/metrics.ts';
import { createRng, shuffled } from '../src/patterns/prng.ts';
import { TextModel } from '../src/patterns/text-model.ts';

const which = process.argv[2] ?? 'clinc';
const opts = JSON.parse(process.argv[3] ?? '{}');
const dir = '/work/shared/data';
const [evalFile, extraFile] =
  which === 'clinc'
    ? [`${dir}/clinc150/val.csv`, `${dir}/clinc150/train.csv`]
    : [`${dir}/hwu64/train.csv`, `${dir}/hwu64/test.csv`];
let rows = parseLabelledCsv(readFileSync(evalFile, 'utf8')).filter((r) => r.label !== 'oos');
const extra = parseLabelledCsv(readFileSync(extraFile, 'utf8'));
if (which === 'hwu') rows = shuffled(rows, createRng(7)).slice(0, 3000);
const t0 = Date.now();
const corpus = [...rows.map((r) => r.text), ...(opts.noExtra ? [] : extra.map((r) => r.text))];
const model = TextModel.fit(corpus, opts);
const t1 = Date.now();
const d = model.dims;
const data = new Float32Array(rows.length * d);
rows.forEach((r, i) => {
  data.set(model.embed(r.text), i * d);
});
const labels = rows.map((r) => r.label);
if (opts.smooth) {
  const n = rows.length;
  const K = opts.smooth;
  const out = new Float32Array(n * d);
  const sims = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += data[i * d + t] * data[j * d + t];
      sims[j] = s;
    }
    const order = Array.from(sims.keys())
      .sort((a, b) => sims[b] - sims[a])
      .slice(0, K + 1);
    for (const j of order) {
      const w = j === i ? 1 : (opts.alpha ?? 1) * Math.max(0, sims[j]);
      for (let t = 0; t < d; t++) out[i * d + t] += w * data[j * d + t];
    }
    let nn = 0;
    for (let t = 0; t < d; t++) nn += out[i * d + t] ** 2;
    nn = Math.sqrt(nn);
    for (let t = 0; t < d; t++) out[i * d + t] /= nn;
  }
  data.set(out);
}
const k = new Set(labels).size;
let data2 = data;
let d2 = d;
if (opts.spectral) {
  const { randomizedSvd } = await import('../src/patterns/randomized-svd.ts');
  const n = rows.length;
  const K = opts.spectral;
  const nb: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  const sims = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += data[i * d + t] * data[j * d + t];
      sims[j] = s;
    }
    const order = Array.from(sims.keys())
      .sort((a, b) => sims[b] - sims[a])
      .slice(0, K + 1);
    for (const j of order) {
      if (j === i) continue;
      const w = Math.max(0, sims[j]) ** (opts.pow ?? 1);
      nb[i].set(j, Math.max(nb[i].get(j) ?? 0, w));
      nb[j].set(i, Math.max(nb[j].get(i) ?? 0, w));
    }
  }
  for (let i = 0; i < n; i++) nb[i].set(i, opts.self ?? 1);
  const deg = nb.map((m) => [...m.values()].reduce((a, b) => a + b, 0));
  const ptr = new Int32Array(n + 1);
  const col: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const [j, w] of [...nb[i].entries()].sort((a, b) => a[0] - b[0])) {
      col.push(j);
      val.push(w / Math.sqrt(deg[i] * deg[j]));
    }
    ptr[i + 1] = col.length;
  }
  const svd = randomizedSvd(
    { rows: n, cols: n, ptr, col: Int32Array.from(col), val: Float32Array.from(val) },
    opts.ev ?? k,
    createRng(3),
    3,
  );
  d2 = svd.rank;
  data2 = new Float32Array(n * d2);
  for (let i = 0; i < n; i++) {
    let nn = 0;
    for (let j = 0; j < d2; j++) nn += svd.v[i * d2 + j] ** 2;
    nn = Math.sqrt(nn);
    for (let j = 0; j < d2; j++) data2[i * d2 + j] = svd.v[i * d2 + j] / nn;
  }
}
let sum = 0;
const seeds = opts.seeds ?? 2;
for (let s = 0; s < seeds; s++) {
  const res = sphericalKMeans({ data: data2, n: rows.length, d: d2 }, k, { seed: s + 1 });
  sum += nmi(labels, [...res.assignments]);
}
const t2 = Date.now();
// 10-shot nearest centroid within the eval rows themselves.
let c1 = 0;
let tot = 0;
for (let s = 0; s < seeds; s++) {
  const rng = createRng(100 + s);
  const byLabel = new Map<string, number[]>();
  labels.forEach((l, i) => {
    byLabel.set(l, [...(byLabel.get(l) ?? []), i]);
  });
  const shots = new Set<number>();
  const cents: [string, Float32Array][] = [];
  for (const [l, ids] of byLabel) {
    const pick = shuffled(ids, rng).slice(0, 10);
    const c = new Float32Array(d);
    for (const i of pick) {
      shots.add(i);
      for (let j = 0; j < d; j++) c[j] += data[i * d + j];
    }
    cents.push([l, c]);
  }
  for (let i = 0; i < rows.length; i++) {
    if (shots.has(i)) continue;
    let best = '';
    let bs = -1e9;
    for (const [l, c] of cents) {
      let sc = 0;
      let nn = 0;
      for (let j = 0; j < d; j++) {
        sc += c[j] * data[i * d + j];
        nn += c[j] * c[j];
      }
      sc /= Math.sqrt(nn);
      if (sc > bs) {
        bs = sc;
        best = l;
      }
    }
    tot++;
    if (best === labels[i]) c1++;
  }
}
console.log(
  which,
  JSON.stringify(opts),
  `nmi=${((sum / seeds) * 100).toFixed(1)} top1=${((c1 / tot) * 100).toFixed(1)} fit=${t1 - t0}ms km=${t2 - t1}ms`,
);
