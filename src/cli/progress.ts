import type { CliIo } from './command.ts';

const BAR_WIDTH = 30;
/** Redraw at most this often: a bar redrawn per row would cost more than the rows. */
const REDRAW_MS = 100;

export interface ProgressBar {
  update(done: number, total: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

/**
 * Draws `[#####-----]  48%  9,600 / 20,000 rows` over itself on stderr. `describe` words the
 * counts (rows, MB, pages).
 */
export function progressBar(io: CliIo, describe: (done: number, total: number) => string): ProgressBar {
  let drawnAt = 0;
  let last: [number, number] = [0, 0];
  const draw = ([done, total]: [number, number]) => {
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(share * BAR_WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
    io.stderr(`\r[${bar}] ${String(Math.round(share * 100)).padStart(3)}%  ${describe(done, total)}`);
  };
  return {
    update(done, total) {
      last = [done, total];
      const now = Date.now();
      if (now - drawnAt < REDRAW_MS) return;
      drawnAt = now;
      draw(last);
    },
    finish() {
      draw(last);
      io.stderr('\n');
    },
  };
}

/** "12.3 MB", or "840 kB" below a megabyte. */
export function megabytes(bytes: number): string {
  if (bytes < 1e6) return `${Math.ceil(bytes / 1e3).toLocaleString('en')} kB`;
  return `${(bytes / 1e6).toLocaleString('en', { maximumFractionDigits: 1 })} MB`;
}
