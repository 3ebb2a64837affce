/**
 * Quality section of `npm run bench`: runs `productos eval patterns` (the same command users run,
 * in-process) on the labelled sets in ../shared/data and reports the mean of the seeds against the
 * issue's targets and plain TF-IDF. Skipped with a note when the data folder is absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runEvalPatternsCommand } from '../src/patterns/eval-command.ts';
import type { EvaluationResult } from '../src/patterns/evaluate.ts';

const DATA = process.env.PATTERNS_DATA ?? join(import.meta.dirname, '..', '..', 'shared', 'data');

interface DataSet {
  name: string;
  test: string;
  train: string;
  tfidf: string;
  target: { nmi: number; top1: number; top3: number };
}

const SETS: DataSet[] = [
  {
    name: 'CLINC150',
    test: 'clinc150/test.csv',
    train: 'clinc150/train.csv',
    tfidf: '70.4 · 75.3 / 88.5',
    target: { nmi: 85, top1: 88, top3: 96 },
  },
  {
    name: 'HWU64',
    test: 'hwu64/test.csv',
    train: 'hwu64/train.csv',
    tfidf: '56.1 · 64.8 / 80.7',
    target: { nmi: 75, top1: 80, top3: 92 },
  },
];

async function evalCommand(argv: string[]): Promise<EvaluationResult> {
  let out = '';
  const code = await runEvalPatternsCommand(argv, {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => process.stderr.write(s),
  });
  if (code !== 0) throw new Error(`eval patterns exited with ${code}`);
  return JSON.parse(out) as EvaluationResult;
}

const pct = (x: number) => (x * 100).toFixed(1);
const mark = (value: number, target: number) => (value * 100 >= target ? '✓' : '✗');

export async function benchQuality(options: { seeds?: number } = {}): Promise<string> {
  const seeds = options.seeds ?? 5;
  const lines = ['## Pattern quality (`productos eval patterns`)', ''];
  if (!existsSync(join(DATA, SETS[0].test))) {
    return [...lines, `Skipped: no labelled data at ${DATA} (set PATTERNS_DATA).`].join('\n');
  }
  lines.push(
    `Mean of ${seeds} seeds, 10 linked examples per label from the train file, k = number of labels. Reproduce with \`productos eval patterns --test …/test.csv --train …/train.csv --seeds ${seeds} --json\`.`,
    '',
    '| data set | discovery NMI / ARI / ACC | suggestion top-1 / top-3 | plain TF-IDF (NMI · top-1 / top-3) | target (NMI · top-1 / top-3) | eval time |',
    '|---|---|---|---|---|---|',
  );
  for (const set of SETS) {
    process.stderr.write(`bench: quality ${set.name}…\n`);
    const r = await evalCommand([
      '--test',
      join(DATA, set.test),
      '--train',
      join(DATA, set.train),
      '--seeds',
      String(seeds),
      '--json',
    ]);
    const d = r.discovery;
    const s = r.suggestion;
    lines.push(
      `| ${set.name} test | ${pct(d.nmi)} ${mark(d.nmi, set.target.nmi)} / ${pct(d.ari)} / ${pct(d.acc)} | ${pct(s.top1)} ${mark(s.top1, set.target.top1)} / ${pct(s.top3)} ${mark(s.top3, set.target.top3)} | ${set.tfidf} | ≥ ${set.target.nmi} · ≥ ${set.target.top1} / ≥ ${set.target.top3} | ${r.seconds.toFixed(0)} s |`,
    );
  }
  return lines.join('\n');
}
