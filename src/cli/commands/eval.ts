import { EVAL_PATTERNS_USAGE, runEvalPatternsCommand } from '../../patterns/eval-command.ts';
import { type CliCommand, UsageError } from '../command.ts';

/** `productos eval patterns …`: measures the pattern engine on labelled CSV files, through the server's own code. */
export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Measure the pattern engine on labelled data (discovery NMI/ARI/ACC, suggestion top-1/top-3)',
  usage: EVAL_PATTERNS_USAGE,
  async run(args, ctx) {
    const [what, ...rest] = args;
    if (what !== 'patterns')
      throw new UsageError(what ? `unknown evaluation "${what}"` : 'say what to evaluate: patterns');
    return runEvalPatternsCommand(rest, { stdout: ctx.io.stdout, stderr: ctx.io.stderr });
  },
};
