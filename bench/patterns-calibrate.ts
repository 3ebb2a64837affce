/**
 * Calibrates the noneFits threshold: CLINC150 val (in-scope) vs the first half of oos_test (the second
 * half is left for reporting). Prints the threshold maximising accuracy over both groups, where an
 * in-scope query counts as right when the index answers (top-1 correct) and an oos one when noneFits.
 */
import { readFileSync } from 'node:fs';
import { parseLabelledCsv } from '../src/patterns/csv.ts';
import { DEFAULT_NONE_FITS_THRESHOLD } from '../src/patterns/pattern-index.ts';
import { createRng, shuffled } from '../src/patterns/prng.ts';
import { PatternSuggester } from '../src/patterns/suggester.ts';
import { TextModel } from '../src/patterns/text-model.ts';

const dir = '/work/shared/data/clinc150';
const read = (f: string) => parseLabelledCsv(readFileSync(`${dir}/${f}`, 'utf8'));
const train = read('train.csv');
const val = read('val.csv');
const oos = read('oos_test.csv').slice(0, 500);
const model = TextModel.fit([...train, ...val, ...oos].map((r) => r.text));
// The index as the server's suggester holds it: its vectors are the suggester's view of the stored ones.
const suggester = new PatternSuggester({ model });
const index = suggester.index;
const vector = (text: string) => suggester.vectorFor(model.embed(text), text);
const rng = createRng(1);
const byLabel = new Map<string, number[]>();
train.forEach((r, i) => {
  byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), i]);
});
for (const [label, ids] of byLabel)
  for (const i of shuffled(ids, rng).slice(0, 10)) index.addExample(label, `${i}`, vector(train[i].text));
index.learnMetric();
const inScope = val.map((r) => {
  const s = index.suggest(vector(r.text)).suggestions[0];
  return { score: s?.score ?? 0, right: s?.patternId === r.label };
});
const out = oos.map((r) => index.suggest(vector(r.text)).suggestions[0]?.score ?? 0);
let best = [0, 0];
for (let t = 0.1; t <= 0.9; t += 0.01) {
  const acc =
    (inScope.filter((x) => x.right && x.score >= t).length + out.filter((s) => s < t).length) /
    (inScope.length + out.length);
  if (acc > best[1]) best = [t, acc];
}
const q = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];
console.log(
  `in-scope score p5/p50: ${q(
    inScope.map((x) => x.score),
    0.05,
  ).toFixed(3)} / ${q(
    inScope.map((x) => x.score),
    0.5,
  ).toFixed(3)}`,
);
console.log(`oos score p50/p95: ${q(out, 0.5).toFixed(3)} / ${q(out, 0.95).toFixed(3)}`);
const accuracyAt = (t: number) =>
  (inScope.filter((x) => x.right && x.score >= t).length + out.filter((s) => s < t).length) /
  (inScope.length + out.length);
console.log(`best threshold ${best[0].toFixed(2)} accuracy ${best[1].toFixed(3)}`);
console.log(
  `current default ${DEFAULT_NONE_FITS_THRESHOLD} accuracy ${accuracyAt(DEFAULT_NONE_FITS_THRESHOLD).toFixed(3)}`,
);
