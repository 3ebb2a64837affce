import type { FeedbackChannel, IncomingFeedback } from '../incoming-feedback.ts';

/** One result of an import: a good item, or a rejected row with the reason. */
export type ImportRow = { line: number; item: IncomingFeedback } | { line: number; error: string };

export interface ImportOptions {
  /** Logical field → column header (generic CSV and accounts CSV). */
  mapping?: Record<string, string>;
  /** Overrides the channel recorded on every item (defaults to the format's own). */
  channel?: FeedbackChannel;
  /** Called with the number of rows read so far, every `progressEvery` rows and once at the end. */
  onProgress?: (rowsRead: number) => void;
  /** How often onProgress fires; defaults to every 1000 rows. */
  progressEvery?: number;
  /** Public base URL of the source board, used to build item URLs when an export has none (Fider). */
  baseUrl?: string;
}

/** Reports progress without calling back on every single row of a big file. */
export class ProgressCounter {
  private rows = 0;
  private readonly every: number;

  constructor(private readonly options: Pick<ImportOptions, 'onProgress' | 'progressEvery'>) {
    this.every = Math.max(1, options.progressEvery ?? 1000);
  }

  /** Counts one more row read. */
  tick(): void {
    this.rows++;
    if (this.rows % this.every === 0) this.options.onProgress?.(this.rows);
  }

  /** Final report, so the caller always learns the total. */
  done(): void {
    if (this.rows % this.every !== 0 || this.rows === 0) this.options.onProgress?.(this.rows);
  }
}
