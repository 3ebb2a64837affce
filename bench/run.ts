import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/**
 * `npm run bench`: runs every benchmark section in one process, one run, and writes
 * docs/benchmarks.md. Ratios compare against a baseline measured in the same run, so the figures
 * mean the same on a slower or faster machine. `--quick` uses smaller workloads (and one eval seed).
 * `--only NAME[,NAME]` runs only the named sections (ingest, patterns, quality, web, search, export) and
 * replaces just those sections in docs/benchmarks.md.
 */
const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? null : new Set((process.argv[onlyAt + 1] ?? '').split(','));
const wanted = (name: string) => only === null || only.has(name);
const sections: string[] = [];
const started = Date.now();

if (wanted('ingest')) {
  const { benchIngest } = await import('./ingest.ts');
  process.stderr.write('bench: ingest…\n');
  sections.push(await benchIngest(quick ? { singleRequests: 500, batchItems: 5_000 } : {}));
}

if (wanted('patterns')) {
  const { benchPatterns } = await import('./patterns.ts');
  process.stderr.write('bench: patterns…\n');
  sections.push(await benchPatterns({ scale: quick ? 'quick' : 'full' }));
}

if (wanted('quality')) {
  const { benchQuality } = await import('./quality.ts');
  sections.push(await benchQuality({ seeds: quick ? 1 : 5 }));
}

if (wanted('web')) {
  const { benchWeb } = await import('./web.ts');
  process.stderr.write('bench: web app…\n');
  sections.push(await benchWeb(quick ? { items: 2_000, loads: 3, actions: 10 } : {}));
}

if (wanted('search')) {
  const { benchSearch } = await import('./search.ts');
  // PostgreSQL too when BENCH_POSTGRES_URL names a server (a database is created and dropped there).
  sections.push(
    await benchSearch({
      items: quick ? 100_000 : 1_000_000,
      queries: quick ? 200 : 500,
      postgresUrl: process.env.BENCH_POSTGRES_URL ?? null,
    }),
  );
}

if (wanted('export')) {
  const { benchExport } = await import('./export.ts');
  process.stderr.write('bench: export…\n');
  sections.push(
    await benchExport({
      sizes: quick ? [10_000] : undefined,
      postgresUrl: process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? null,
    }),
  );
}

const machine = `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB`;
const out = join(import.meta.dirname, '..', 'docs', 'benchmarks.md');
mkdirSync(join(import.meta.dirname, '..', 'docs'), { recursive: true });
if (only !== null && existsSync(out)) {
  // Replace each section run (from its first heading to the next `## `) and keep the others.
  let text = readFileSync(out, 'utf8');
  for (const section of sections) {
    const heading = section.split('\n')[0];
    const stamped = `${section}\n\n_This section: \`npm run bench -- --only ${[...only].join(',')}${quick ? ' --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}, ${machine}._\n`;
    const start = text.indexOf(`${heading}\n`);
    if (start === -1) text = `${text.trimEnd()}\n\n${stamped}`;
    else {
      const next = text.indexOf('\n## ', start + heading.length);
      text = `${text.slice(0, start)}${stamped}${next === -1 ? '' : text.slice(next)}`;
    }
  }
  writeFileSync(out, text);
} else {
  const header = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\`${quick ? ' --quick' : ''} on ${new Date().toISOString().slice(0, 10)}: ${machine}.`,
    `Every ratio is measured against its baseline in the same run. Total time: ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
  ].join('\n');
  writeFileSync(out, `${header}\n${sections.join('\n\n')}\n`);
}
process.stdout.write(`wrote ${out}\n`);
