/**
 * Measures the engine on labelled data through the same code the server uses: the TextModel
 * representation, discoverPatterns and PatternSuggester.suggest. Labels are used only for scoring and
 * for choosing which items play the builder's linked examples.
 */
import type { LabelledRow } from './csv.ts';
import { discoverPatterns } from './discover.ts';
import { ari, clusterAccuracy, nmi } from './metrics.ts';
import type { PatternIndexOptions } from './pattern-index.ts';
import { createRng, shuffled } from './prng.ts';
import { PatternSuggester } from './suggester.ts';
import { TextModel, type TextModelOptions } from './text-model.ts';

/** The label marking rows that fit no known pattern. */
export const OUT_OF_SCOPE = 'oos';

/** Inputs of {@link evaluatePatterns}. */
export interface EvaluateOptions {
  testRows: LabelledRow[];
  /** Where the linked examples come from; if absent they are taken from the test rows and not scored. */
  trainRows?: LabelledRow[];
  shots?: number;
  seeds?: number;
  /** Clusters for discovery; default the number of distinct in-scope test labels. */
  k?: number | 'auto';
  /** Representation overrides (for tuning experiments). */
  modelOptions?: TextModelOptions;
  /** Index overrides (for tuning experiments). */
  indexOptions?: Omit<PatternIndexOptions, 'model'>;
  /** Skip discovery or suggestion (tuning experiments). */
  only?: 'discovery' | 'suggestion';
}

/** Metrics in 0..1, averaged over seeds. */
export interface EvaluationResult {
  discovery: { nmi: number; ari: number; acc: number; k: number };
  suggestion: { shots: number; top1: number; top3: number };
  seconds: number;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Runs discovery and few-shot suggestion for `seeds` seeds. The representation is fitted once on all
 * texts (train and test, without labels), as the server fits it on all feedback it has seen.
 */
export function evaluatePatterns(options: EvaluateOptions): EvaluationResult {
  const started = performance.now();
  const shots = Math.max(1, Math.floor(options.shots ?? 10));
  const seeds = Math.max(1, Math.floor(options.seeds ?? 5));
  const test = options.testRows;
  const train = options.trainRows ?? [];
  const model = TextModel.fit(
    [...test.map((r) => r.text), ...train.map((r) => r.text)],
    options.modelOptions,
  );
  const testVectors = test.map((r) => model.embed(r.text));
  const trainVectors = train.map((r) => model.embed(r.text));

  const inScope = test.map((_, i) => i).filter((i) => test[i].label !== OUT_OF_SCOPE);
  const truth = inScope.map((i) => test[i].label);
  const distinct = new Set(truth).size;
  const k = options.k ?? distinct;
  const disc = { nmi: [] as number[], ari: [] as number[], acc: [] as number[], k: [] as number[] };
  const top1: number[] = [];
  const top3: number[] = [];
  for (let s = 0; s < seeds; s++) {
    const seed = s + 1;
    if (inScope.length > 0 && options.only !== 'suggestion') {
      const clusters = discoverPatterns(
        inScope.map((i) => ({ id: String(i), text: test[i].text })),
        { k, seed, model, vectors: inScope.map((i) => testVectors[i]) },
      );
      const clusterOf = new Map<string, number>();
      clusters.forEach((c, ci) => {
        for (const id of c.itemIds) clusterOf.set(id, ci);
      });
      const predicted = inScope.map((i) => clusterOf.get(String(i)) ?? -1);
      disc.nmi.push(nmi(truth, predicted));
      disc.ari.push(ari(truth, predicted));
      disc.acc.push(clusterAccuracy(truth, predicted));
      disc.k.push(clusters.length);
    }
    if (options.only === 'discovery') continue;
    const [c1, c3] = suggestionRun(
      options.trainRows ? train : test,
      options.trainRows ? trainVectors : testVectors,
    );
    top1.push(c1);
    top3.push(c3);

    function suggestionRun(pool: LabelledRow[], poolVectors: Float32Array[]): [number, number] {
      const rng = createRng(seed * 7919);
      const byLabel = new Map<string, number[]>();
      pool.forEach((r, i) => {
        if (r.label === OUT_OF_SCOPE) return;
        const list = byLabel.get(r.label) ?? [];
        list.push(i);
        byLabel.set(r.label, list);
      });
      const index = new PatternSuggester({ ...options.indexOptions, model });
      const used = new Set<number>();
      for (const label of [...byLabel.keys()].sort()) {
        for (const i of shuffled(byLabel.get(label)!, rng).slice(0, shots)) {
          index.addExample(label, `shot-${i}`, poolVectors[i], pool[i].text);
          used.add(i);
        }
      }
      index.index.learnMetric();
      // Every text not used as a link is unlinked feedback the server would hold: test and train rows.
      index.learnFromUnlinked([
        ...test.flatMap((r, i) =>
          pool === test && used.has(i) ? [] : [{ id: `test-${i}`, vector: testVectors[i], text: r.text }],
        ),
        ...pool.flatMap((r, i) =>
          used.has(i) || pool === test ? [] : [{ id: `pool-${i}`, vector: poolVectors[i], text: r.text }],
        ),
      ]);
      let correct1 = 0;
      let correct3 = 0;
      let scored = 0;
      test.forEach((row, i) => {
        if (!options.trainRows && used.has(i)) return;
        const answer = index.suggest(testVectors[i], row.text, { limit: 3 });
        scored++;
        if (row.label === OUT_OF_SCOPE) {
          if (answer.noneFits) {
            correct1++;
            correct3++;
          }
          return;
        }
        const ids = answer.suggestions.map((x) => x.patternId);
        if (ids[0] === row.label) correct1++;
        if (ids.includes(row.label)) correct3++;
      });
      return scored === 0 ? [0, 0] : [correct1 / scored, correct3 / scored];
    }
  }
  return {
    discovery: { nmi: mean(disc.nmi), ari: mean(disc.ari), acc: mean(disc.acc), k: Math.round(mean(disc.k)) },
    suggestion: { shots, top1: mean(top1), top3: mean(top3) },
    seconds: (performance.now() - started) / 1000,
  };
}
