import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/**
 * `npm run bench`: runs every benchmark section in one process, one run, and writes
 * docs/benchmarks.md. Ratios compare against a baseline measured in the same run, so the figures
 * mean the same on a slower or faster machine. `--quick` uses smaller workloads (and one eval seed).
 */
const quick = process.argv.includes('--quick');
const sections: string[] = [];
const started = Date.now();

const { benchIngest } = await import('./ingest.ts');
process.stderr.write('bench: ingest…\n');
sections.push(await benchIngest(quick ? { singleRequests: 500, batchItems: 5_000 } : {}));

const { benchPatterns } = await import('./patterns.ts');
process.stderr.write('bench: patterns…\n');
sections.push(await benchPatterns({ scale: quick ? 'quick' : 'full' }));

const { benchQuality } = await import('./quality.ts');
sections.push(await benchQuality({ seeds: quick ? 1 : 5 }));

const header = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\`${quick ? ' --quick' : ''} on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB.`,
  `Every ratio is measured against its baseline in the same run. Total time: ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  '',
].join('\n');
const out = join(import.meta.dirname, '..', 'docs', 'benchmarks.md');
mkdirSync(join(import.meta.dirname, '..', 'docs'), { recursive: true });
writeFileSync(out, `${header}\n${sections.join('\n\n')}\n`);
process.stdout.write(`wrote ${out}\n`);
