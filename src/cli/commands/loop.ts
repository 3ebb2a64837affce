import { readFileSync } from 'node:fs';
import { SYSTEM_ACTOR } from '../../domain/authorization.ts';
import { createOptionInput, decisionInput } from '../../domain/loop.ts';
import { addOption, decideImprovement, getImprovementDetail } from '../../usecases/loop/design.ts';
import { getImpact } from '../../usecases/loop/impact.ts';
import { parseCommandArgs } from '../args.ts';
import { type CliCommand, type CliContext, UsageError } from '../command.ts';
import { parseInput } from '../input.ts';
import { printJson } from '../output.ts';

const IMPROVEMENT_USAGE = [
  'productos improvements show ID                      (options, votes, context and score)',
  'productos improvements option ID --title T [--body MARKDOWN]',
  'productos improvements decide ID --option OPTION_ID --rationale TEXT [--predict PATTERN_ID:-60:28]',
  '  (--predict: the pattern, its expected change in %, within how many days of the deploy)',
  'productos improvements impact ID                    (baseline vs after, test statistic, verdict)',
].join('\n');

const ACTIONS = ['show', 'option', 'decide', 'impact'];

function oneId(positionals: string[], action: string): string {
  if (positionals.length !== 1) throw new UsageError(`${action} takes exactly one improvement id`);
  return positionals[0];
}

function readBody(value: string | undefined): string | undefined {
  return value?.startsWith('@') ? readFileSync(value.slice(1), 'utf8') : value;
}

/** "PATTERN:-60:28" → the prediction object of the decision. */
function parsePrediction(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  const [patternId, change, days] = value.split(':');
  if (!patternId || change === undefined || days === undefined) {
    throw new UsageError('--predict takes PATTERN_ID:CHANGE_PCT:WITHIN_DAYS, e.g. 01abc…:-60:28');
  }
  return { patternId, expectedChangePct: Number(change), withinDays: Number(days) };
}

async function runImprovementAction(action: string, args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    title: { type: 'string' },
    body: { type: 'string' },
    option: { type: 'string' },
    rationale: { type: 'string' },
    predict: { type: 'string' },
  });
  const deps = await ctx.deps();
  const id = oneId(positionals, action);
  if (action === 'show') printJson(ctx.io, await getImprovementDetail(deps, SYSTEM_ACTOR, id));
  else if (action === 'impact') printJson(ctx.io, await getImpact(deps, SYSTEM_ACTOR, id));
  else if (action === 'option') {
    const input = parseInput(createOptionInput, { title: values.title, body: readBody(values.body) });
    printJson(ctx.io, await addOption(deps, SYSTEM_ACTOR, id, input));
  } else {
    const input = parseInput(decisionInput, {
      optionId: values.option,
      rationale: values.rationale,
      prediction: parsePrediction(values.predict),
    });
    printJson(ctx.io, await decideImprovement(deps, SYSTEM_ACTOR, id, input));
  }
  return 0;
}

/** Adds design, decision and impact actions to the `improvements` command. */
export function withLoopActions(commands: CliCommand[]): CliCommand[] {
  return commands.map((command) =>
    command.name !== 'improvements'
      ? command
      : {
          ...command,
          usage: `${command.usage}\n${IMPROVEMENT_USAGE}`,
          run: (args, ctx) => {
            const [action, ...rest] = args;
            return action && ACTIONS.includes(action)
              ? runImprovementAction(action, rest, ctx)
              : command.run(args, ctx);
          },
        },
  );
}
