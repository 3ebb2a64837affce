import type { Config } from '../config.ts';
import type { Deps } from '../usecases/context.ts';

/** What a command can print to; tests pass buffers, the real CLI passes the process streams. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** true when stderr is a terminal (progress bars only then) */
  isTty: boolean;
  /** The real standard output, for commands that stream more than fits in memory (export). */
  stdoutStream?: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface CliContext {
  config: Config;
  io: CliIo;
  /** Opens and migrates the configured database once, on first use. */
  deps: () => Promise<Deps>;
}

/**
 * One `productos` command. `run` receives the words after the command name and returns the exit
 * code: 0 done, 1 failed, 2 bad usage.
 */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}
