/**
 * `productos eval patterns` — measures discovery and suggestion quality on labelled CSV files.
 * Exit codes: 0 success, 1 runtime failure (unreadable file), 2 bad arguments.
 */
import { readFileSync } from 'node:fs';
import { type LabelledRow, parseLabelledCsv } from './csv.ts';
import { evaluatePatterns } from './evaluate.ts';

/** Output sinks, injected so the CLI and tests can capture them. */
export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export const EVAL_PATTERNS_USAGE = `Usage: productos eval patterns --test FILE.csv [--train FILE.csv] [--shots N] [--seeds S] [--k N|auto] [--json]

Measures pattern discovery (NMI, ARI, ACC over the test texts, rows labelled "oos" excluded) and
few-shot suggestion (top-1/top-3 accuracy with N linked examples per label; "oos" rows are correct
when noneFits is answered). CSV files need a header with "text" and "label" columns.
--test may be repeated (e.g. clinc150/test.csv and clinc150/oos_test.csv).

  --test FILE    labelled rows to score (required)
  --train FILE   where the linked examples come from (default: taken from --test and not scored)
  --shots N      linked examples per label (default 10)
  --seeds S      runs to average (default 5)
  --k N|auto     clusters for discovery (default: number of distinct labels)
  --json         print one JSON object instead of a table
  --help         show this help`;

interface ParsedArgs {
  test: string[];
  train?: string;
  shots: number;
  seeds: number;
  k?: number | 'auto';
  json: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): ParsedArgs {
  const out: ParsedArgs = { test: [], shots: 10, seeds: 5, json: false, help: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const positiveInt = (v: string, flag: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`${flag} must be a positive integer, got "${v}"`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = value(i, flag);
      i++;
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        out.help = true;
        break;
      case '--json':
        out.json = true;
        break;
      case '--test':
        out.test.push(take());
        break;
      case '--train':
        out.train = take();
        break;
      case '--shots':
        out.shots = positiveInt(take(), '--shots');
        break;
      case '--seeds':
        out.seeds = positiveInt(take(), '--seeds');
        break;
      case '--k': {
        const v = take();
        out.k = v === 'auto' ? 'auto' : positiveInt(v, '--k');
        break;
      }
      default:
        throw new Error(`unknown argument "${argv[i]}"`);
    }
  }
  if (!out.help && out.test.length === 0) throw new Error('--test FILE.csv is required');
  return out;
}

function readRows(path: string): LabelledRow[] {
  return parseLabelledCsv(readFileSync(path, 'utf8'));
}

const pct = (x: number): string => (x * 100).toFixed(1).padStart(6);

/** Runs the command; `argv` is what follows `eval patterns`. Returns the process exit code. */
export async function runEvalPatternsCommand(argv: string[], io: CommandIo): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    io.stderr(`eval patterns: ${(err as Error).message}\n\n${EVAL_PATTERNS_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(EVAL_PATTERNS_USAGE);
    return 0;
  }
  let testRows: LabelledRow[];
  let trainRows: LabelledRow[] | undefined;
  try {
    testRows = args.test.flatMap(readRows);
    trainRows = args.train ? readRows(args.train) : undefined;
  } catch (err) {
    io.stderr(`eval patterns: ${(err as Error).message}`);
    return 2;
  }
  if (testRows.length === 0) {
    io.stderr('eval patterns: the test file has no rows');
    return 2;
  }
  const r = evaluatePatterns({ testRows, trainRows, shots: args.shots, seeds: args.seeds, k: args.k });
  const round = (x: number): number => Math.round(x * 10000) / 10000;
  if (args.json) {
    io.stdout(
      JSON.stringify({
        discovery: {
          nmi: round(r.discovery.nmi),
          ari: round(r.discovery.ari),
          acc: round(r.discovery.acc),
          k: r.discovery.k,
        },
        suggestion: {
          shots: r.suggestion.shots,
          top1: round(r.suggestion.top1),
          top3: round(r.suggestion.top3),
        },
        seconds: Math.round(r.seconds * 10) / 10,
      }),
    );
    return 0;
  }
  io.stdout(
    [
      `Pattern engine evaluation (${testRows.length} test rows${trainRows ? `, ${trainRows.length} train rows` : ''}, ${args.seeds} seeds)`,
      '',
      '| measure              |  value |',
      '|----------------------|-------:|',
      `| discovery NMI        | ${pct(r.discovery.nmi)} |`,
      `| discovery ARI        | ${pct(r.discovery.ari)} |`,
      `| discovery ACC        | ${pct(r.discovery.acc)} |`,
      `| discovery k          | ${String(r.discovery.k).padStart(6)} |`,
      `| suggestion top-1 (${String(r.suggestion.shots).padStart(2)}) | ${pct(r.suggestion.top1)} |`,
      `| suggestion top-3 (${String(r.suggestion.shots).padStart(2)}) | ${pct(r.suggestion.top3)} |`,
      '',
      `${r.seconds.toFixed(1)} s`,
    ].join('\n'),
  );
  return 0;
}
