/**
 * Prints the ingest benchmark's markdown section: `node --import tsx bench/ingest-run.ts`.
 * `--quick` measures half the single requests and a quarter of the batch items: for a rough look
 * while working, not for the numbers in docs/benchmarks.md.
 */
import { benchIngest } from './ingest.ts';

const quick = process.argv.includes('--quick');
process.stdout.write(await benchIngest(quick ? { singleRequests: 1_000, batchItems: 5_000 } : {}));
