import { SYSTEM_ACTOR } from '../../domain/authorization.ts';
import { discoverInput } from '../../domain/reflect.ts';
import { findProductRow } from '../../usecases/products.ts';
import { discoverProposals } from '../../usecases/reflect/discovery.ts';
import { findDuplicateFeedback } from '../../usecases/reflect/duplicates.ts';
import { mergePattern, splitPattern } from '../../usecases/reflect/merge-split.ts';
import { suggestPatterns } from '../../usecases/reflect/suggestions.ts';
import { parseCommandArgs } from '../args.ts';
import { type CliCommand, type CliContext, UsageError } from '../command.ts';
import { printJson, printTable } from '../output.ts';

const PATTERN_USAGE = [
  'productos patterns discover [--product SLUG|ID] [--k N|auto] [--seed N] [--json]',
  'productos patterns merge ID --into ID',
  'productos patterns split ID --feedback ID,ID… --title TITLE',
].join('\n');
const FEEDBACK_USAGE = [
  'productos feedback suggest ID [--json]',
  'productos feedback duplicates [--product SLUG|ID] [--json]',
].join('\n');

const OPTIONS = {
  product: { type: 'string' },
  k: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  into: { type: 'string' },
  feedback: { type: 'string' },
  title: { type: 'string' },
} as const;

async function productId(ctx: CliContext, value: string | undefined): Promise<string | undefined> {
  return value ? (await findProductRow((await ctx.deps()).store.db, value)).id : undefined;
}

async function runPatterns(action: string, args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  const deps = await ctx.deps();
  if (action === 'discover') {
    const input = discoverInput.parse({
      productId: await productId(ctx, values.product),
      k: values.k === undefined || values.k === 'auto' ? undefined : Number(values.k),
      seed: values.seed === undefined ? undefined : Number(values.seed),
    });
    const result = await discoverProposals(deps, SYSTEM_ACTOR, input);
    if (values.json) printJson(ctx.io, result);
    else {
      ctx.io.stdout(`${result.items} unlinked item(s) → ${result.k} group(s) in ${result.seconds} s\n\n`);
      printTable(
        ctx.io,
        result.proposals.map((p) => ({
          size: p.size,
          accounts: p.distinctAccounts,
          label: p.label,
          example: p.representatives[0]?.text.slice(0, 60),
        })),
        ['size', 'accounts', 'label', 'example'],
      );
      ctx.io.stdout(
        '\nAccept one: productos patterns create --data \'{"title":…,"feedbackIds":[…]}\' (ids from --json)\n',
      );
    }
    return 0;
  }
  const [id] = positionals;
  if (!id) throw new UsageError(`say which pattern to ${action}`);
  if (action === 'merge') {
    if (!values.into) throw new UsageError('--into names the surviving pattern');
    printJson(ctx.io, await mergePattern(deps, SYSTEM_ACTOR, id, { intoId: values.into }));
    return 0;
  }
  const feedbackIds = (values.feedback ?? '').split(',').filter(Boolean);
  if (feedbackIds.length === 0 || !values.title) throw new UsageError('--feedback and --title are required');
  printJson(ctx.io, await splitPattern(deps, SYSTEM_ACTOR, id, { feedbackIds, title: values.title }));
  return 0;
}

async function runFeedback(action: string, args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  const deps = await ctx.deps();
  if (action === 'duplicates') {
    const result = await findDuplicateFeedback(deps, SYSTEM_ACTOR, {
      productId: await productId(ctx, values.product),
    });
    if (values.json) printJson(ctx.io, result);
    else
      for (const g of result.groups)
        ctx.io.stdout(
          `×${g.feedbackIds.length}  ${g.items[0]?.text.slice(0, 70)}  (${g.feedbackIds.join(', ')})\n`,
        );
    return 0;
  }
  const [id] = positionals;
  if (!id) throw new UsageError('say which feedback item');
  const result = await suggestPatterns(deps, SYSTEM_ACTOR, id);
  if (values.json) printJson(ctx.io, result);
  else {
    printTable(
      ctx.io,
      result.suggestions.map((s) => ({
        score: s.score.toFixed(2),
        pattern: s.patternId,
        title: s.title,
        matched: s.matchedTerms.join(' '),
      })),
      ['score', 'pattern', 'title', 'matched'],
    );
    if (result.noneFits) ctx.io.stdout('no existing pattern fits well\n');
  }
  return 0;
}

/**
 * Adds the Reflect actions to the `patterns` (discover, merge, split) and `feedback` (suggest,
 * duplicates) commands; every other action goes to the collection's own command.
 */
export function withReflectActions(commands: CliCommand[]): CliCommand[] {
  return commands.map((command) => {
    const extra =
      command.name === 'patterns'
        ? { actions: ['discover', 'merge', 'split'], run: runPatterns, usage: PATTERN_USAGE }
        : command.name === 'feedback'
          ? { actions: ['suggest', 'duplicates'], run: runFeedback, usage: FEEDBACK_USAGE }
          : null;
    if (!extra) return command;
    return {
      ...command,
      usage: `${command.usage}\n${extra.usage}`,
      run: (args, ctx) => {
        const [action, ...rest] = args;
        return action && extra.actions.includes(action)
          ? extra.run(action, rest, ctx)
          : command.run(args, ctx);
      },
    };
  });
}
