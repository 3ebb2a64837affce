/**
 * Tuning runs on the tuning splits only (CLINC150 val with train shots, HWU64 train rows):
 * node --import tsx bench/patterns-tune2.ts clinc|hwu '{"indexOptions":{...},"only":"suggestion"}'
 */
import { readFileSync } from 'node:fs';
import { parseLabelledCsv } from '../src/patterns/csv.ts';
import { evaluatePatterns } from '../src/patterns/evaluate.ts';
import { createRng, shuffled } from '../src/patterns/prng.ts';

const which = process.argv[2] ?? 'clinc';
const extra = JSON.parse(process.argv[3] ?? '{}');
const dir = '/work/shared/data';
const read = (f: string) => parseLabelledCsv(readFileSync(`${dir}/${f}`, 'utf8'));
const setup =
  which === 'clinc'
    ? { testRows: read('clinc150/val.csv'), trainRows: read('clinc150/train.csv') }
    : { testRows: shuffled(read('hwu64/train.csv'), createRng(7)).slice(0, 3000) };
const r = evaluatePatterns({ ...setup, seeds: extra.seeds ?? 2, ...extra });
console.log(which, JSON.stringify(extra), JSON.stringify(r));
