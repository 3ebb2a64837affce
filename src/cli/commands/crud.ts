import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import {
  accountListQuery,
  contactListQuery,
  createAccountInput,
  createContactInput,
  updateAccountInput,
  updateContactInput,
} from '../../domain/account.ts';
import { type Actor, SYSTEM_ACTOR } from '../../domain/authorization.ts';
import { createDeployInput, deployListQuery, updateDeployInput } from '../../domain/deploy.ts';
import { createFeedbackInput, feedbackListQuery, updateFeedbackInput } from '../../domain/feedback.ts';
import {
  createImprovementInput,
  improvementListQuery,
  updateImprovementInput,
} from '../../domain/improvement.ts';
import {
  createPatternInput,
  linkFeedbackInput,
  patternListQuery,
  updatePatternInput,
} from '../../domain/pattern.ts';
import { createProductInput, productListQuery, updateProductInput } from '../../domain/product.ts';
import * as accounts from '../../usecases/accounts.ts';
import type { Deps } from '../../usecases/context.ts';
import * as deploys from '../../usecases/deploys.ts';
import * as feedback from '../../usecases/feedback.ts';
import { ingestFeedback } from '../../usecases/feedback-ingest.ts';
import * as improvements from '../../usecases/improvements.ts';
import * as patterns from '../../usecases/patterns.ts';
import * as products from '../../usecases/products.ts';
import { parseCommandArgs } from '../args.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { parseInput } from '../input.ts';
import { printJson } from '../output.ts';

type Fn<I, O> = (deps: Deps, actor: Actor | null, ...rest: I[]) => Promise<O>;

interface Collection {
  list: { schema: z.ZodType; run: Fn<never, unknown> };
  get: Fn<string, unknown>;
  create: { schema: z.ZodType; run: Fn<never, unknown> };
  update: {
    schema: z.ZodType;
    run: (deps: Deps, actor: Actor | null, id: string, input: never) => Promise<unknown>;
  };
  remove: Fn<string, void>;
}

/** The loop's collections, each wired to the same use-cases and input schemas as its HTTP routes. */
const COLLECTIONS: Record<string, Collection> = {
  products: {
    list: { schema: productListQuery, run: products.listProducts as Fn<never, unknown> },
    get: products.getProduct,
    create: { schema: createProductInput, run: products.createProduct as Fn<never, unknown> },
    update: { schema: updateProductInput, run: products.updateProduct },
    remove: products.deleteProduct,
  },
  accounts: {
    list: { schema: accountListQuery, run: accounts.listAccounts as Fn<never, unknown> },
    get: accounts.getAccount,
    create: { schema: createAccountInput, run: accounts.createAccount as Fn<never, unknown> },
    update: { schema: updateAccountInput, run: accounts.updateAccount },
    remove: accounts.deleteAccount,
  },
  contacts: {
    list: { schema: contactListQuery, run: accounts.listContacts as Fn<never, unknown> },
    get: accounts.getContact,
    create: { schema: createContactInput, run: accounts.createContact as Fn<never, unknown> },
    update: { schema: updateContactInput, run: accounts.updateContact },
    remove: accounts.deleteContact,
  },
  feedback: {
    list: { schema: feedbackListQuery, run: feedback.listFeedback as Fn<never, unknown> },
    get: feedback.getFeedback,
    create: {
      schema: createFeedbackInput,
      run: (async (deps: Deps, actor: Actor | null, input: z.infer<typeof createFeedbackInput>) =>
        (await ingestFeedback(deps, actor, [input])).items[0]) as Fn<never, unknown>,
    },
    update: { schema: updateFeedbackInput, run: feedback.updateFeedback },
    remove: feedback.deleteFeedback,
  },
  patterns: {
    list: { schema: patternListQuery, run: patterns.listPatterns as Fn<never, unknown> },
    get: patterns.getPattern,
    create: { schema: createPatternInput, run: patterns.createPattern as Fn<never, unknown> },
    update: { schema: updatePatternInput, run: patterns.updatePattern },
    remove: patterns.deletePattern,
  },
  improvements: {
    list: { schema: improvementListQuery, run: improvements.listImprovements as Fn<never, unknown> },
    get: improvements.getImprovement,
    create: { schema: createImprovementInput, run: improvements.createImprovement as Fn<never, unknown> },
    update: { schema: updateImprovementInput, run: improvements.updateImprovement },
    remove: improvements.deleteImprovement,
  },
  deploys: {
    list: { schema: deployListQuery, run: deploys.listDeploys as Fn<never, unknown> },
    get: deploys.getDeploy,
    create: { schema: createDeployInput, run: deploys.createDeploy as Fn<never, unknown> },
    update: { schema: updateDeployInput, run: deploys.updateDeploy },
    remove: deploys.deleteDeploy,
  },
};

export const COLLECTION_NAMES = Object.keys(COLLECTIONS);

/** `--data '{"a":1}'`, `--data @file.json` or `--data -` (standard input). */
function readData(raw: string | undefined): unknown {
  if (raw === undefined)
    throw new UsageError('--data is required (JSON, @file.json, or - for standard input)');
  const text =
    raw === '-' ? readFileSync(0, 'utf8') : raw.startsWith('@') ? readFileSync(raw.slice(1), 'utf8') : raw;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--data is not valid JSON: ${(error as Error).message}`);
  }
}

/** `--where status=new --where productId=…` → a query object validated like the HTTP query string. */
function readFilters(
  where: string[] | undefined,
  limit: string | undefined,
  cursor: string | undefined,
): Record<string, string> {
  const query: Record<string, string> = {};
  for (const pair of where ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--where takes key=value, got "${pair}"`);
    query[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (limit) query.limit = limit;
  if (cursor) query.cursor = cursor;
  return query;
}

function oneId(positionals: string[], action: string): string {
  if (positionals.length !== 1) throw new UsageError(`${action} takes exactly one id`);
  return positionals[0];
}

/** One command per collection: list, get, create, update, delete (and link/unlink for patterns). */
export const crudCommands: CliCommand[] = Object.entries(COLLECTIONS).map(([name, c]) => ({
  name,
  summary: `List, read, create, change or delete ${name}`,
  usage: [
    `productos ${name} list [--where key=value …] [--limit N] [--cursor C]`,
    `productos ${name} get ID`,
    `productos ${name} create --data JSON|@file.json|-`,
    `productos ${name} update ID --data JSON|@file.json|-`,
    `productos ${name} delete ID`,
    ...(name === 'patterns'
      ? ['productos patterns link ID --feedback ID[,ID…]', 'productos patterns unlink ID --feedback ID']
      : []),
    '',
    'Input fields are those of the HTTP API (see /docs). Output is JSON.',
  ].join('\n'),
  async run(args, ctx) {
    const [action, ...rest] = args;
    const { values, positionals } = parseCommandArgs(rest, {
      data: { type: 'string' },
      where: { type: 'string', multiple: true },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      feedback: { type: 'string' },
    });
    const deps = await ctx.deps();
    const actor = SYSTEM_ACTOR;
    switch (action) {
      case 'list':
        printJson(
          ctx.io,
          await c.list.run(
            deps,
            actor,
            parseInput(c.list.schema, readFilters(values.where, values.limit, values.cursor)) as never,
          ),
        );
        return 0;
      case 'get':
        printJson(ctx.io, await c.get(deps, actor, oneId(positionals, 'get')));
        return 0;
      case 'create':
        printJson(
          ctx.io,
          await c.create.run(deps, actor, parseInput(c.create.schema, readData(values.data)) as never),
        );
        return 0;
      case 'update':
        printJson(
          ctx.io,
          await c.update.run(
            deps,
            actor,
            oneId(positionals, 'update'),
            parseInput(c.update.schema, readData(values.data)) as never,
          ),
        );
        return 0;
      case 'delete':
        await c.remove(deps, actor, oneId(positionals, 'delete'));
        ctx.io.stdout(`deleted ${positionals[0]}\n`);
        return 0;
      case 'link':
      case 'unlink': {
        if (name !== 'patterns') break;
        const id = oneId(positionals, action);
        const ids = (values.feedback ?? '').split(',').filter(Boolean);
        if (ids.length === 0) throw new UsageError('--feedback names the feedback id(s)');
        if (action === 'link')
          printJson(
            ctx.io,
            await patterns.linkFeedback(
              deps,
              actor,
              id,
              parseInput(linkFeedbackInput, { feedbackIds: ids }).feedbackIds,
            ),
          );
        else printJson(ctx.io, await patterns.unlinkFeedback(deps, actor, id, ids[0]));
        return 0;
      }
      default:
        break;
    }
    throw new UsageError(action ? `unknown action "${action}"` : 'say list, get, create, update or delete');
  },
}));
