import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { CliIo } from '../../src/cli/command.ts';
import { runCli } from '../../src/cli/main.ts';
import { type Config, readConfig } from '../../src/config.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** An io that keeps what a command printed. */
export function capturedIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    isTty: false,
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

/**
 * Gives the enclosing describe a fresh SQLite file and a `cli(...argv)` that runs the real
 * `productos` entry on it in-process. Call it at the top of the describe block.
 */
export function cliOnTempDatabase(prefix: string): {
  cli: (...argv: string[]) => Promise<CliRun>;
  dir: () => string;
} {
  let dir = '';
  let config: Config;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), `productos-${prefix}-`));
    config = readConfig({ DATABASE_URL: `sqlite:${join(dir, 'cli.db')}` });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir: () => dir,
    async cli(...argv) {
      const io = capturedIo();
      const code = await runCli(argv, io, config);
      return { code, out: io.out, err: io.err };
    },
  };
}
