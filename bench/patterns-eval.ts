/** Runs `eval patterns` from the shell: node --import tsx bench/patterns-eval.ts --test FILE ... */
import { runEvalPatternsCommand } from '../src/patterns/eval-command.ts';

const code = await runEvalPatternsCommand(process.argv.slice(2), {
  stdout: (s) => console.log(s),
  stderr: (s) => console.error(s),
});
process.exit(code);
