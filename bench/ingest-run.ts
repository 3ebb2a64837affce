/** Prints the ingest benchmark's markdown section: `node --import tsx bench/ingest-run.ts`. */
import { benchIngest } from './ingest.ts';

process.stdout.write(await benchIngest());
