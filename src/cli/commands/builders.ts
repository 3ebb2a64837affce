import type { Actor, Role } from '../../domain/authorization.ts';
import { SYSTEM_ACTOR } from '../../domain/authorization.ts';
import { createReflectionInput, WORK_ITEM_TYPES } from '../../domain/builder.ts';
import { listPrinciples } from '../../usecases/builders/principles.ts';
import { getBuilderProfile } from '../../usecases/builders/profile.ts';
import { createReflection } from '../../usecases/builders/reflections.ts';
import type { Deps } from '../../usecases/context.ts';
import { assertUserExists, userByEmail } from '../../usecases/users.ts';
import { parseCommandArgs, required } from '../args.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { parseInput } from '../input.ts';
import { printJson, printTable } from '../output.ts';

/** Acts as the named person, with their role (journals and kudos belong to someone). */
async function actAs(deps: Deps, email: string): Promise<Actor> {
  const user = await userByEmail(deps.store.db, email);
  assertUserExists(user, email);
  return { kind: 'user', userId: user.id, role: user.role as Role, name: user.name };
}

export const principlesCommand: CliCommand = {
  name: 'principles',
  summary: 'List the principles builders hold each other to',
  usage: 'productos principles list [--json]',
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub !== 'list') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'say list');
    const { values } = parseCommandArgs(rest, { json: { type: 'boolean' } });
    const principles = await listPrinciples(await ctx.deps(), SYSTEM_ACTOR);
    if (values.json) printJson(ctx.io, principles);
    else printTable(ctx.io, principles, ['slug', 'name']);
    return 0;
  },
};

export const builderCommand: CliCommand = {
  name: 'builder',
  summary: "Show a builder's level, its evidence and what is missing for the next",
  usage: 'productos builder show EMAIL|ID [--json]',
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub !== 'show') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'say show');
    const { values, positionals } = parseCommandArgs(rest, { json: { type: 'boolean' } });
    const who = positionals[0];
    if (!who) throw new UsageError('name the builder by email or id');
    const p = await getBuilderProfile(await ctx.deps(), SYSTEM_ACTOR, who);
    if (values.json) {
      printJson(ctx.io, p);
      return 0;
    }
    ctx.io.stdout(`${p.user.name} <${p.user.email}> — level: ${p.level?.name ?? 'none'}\n\n`);
    printTable(
      ctx.io,
      p.evidence.map((e) => ({ metric: e.metric, value: e.value, note: e.note ?? '' })),
      ['metric', 'value', 'note'],
    );
    if (p.nextLevel) {
      ctx.io.stdout(`\nfor ${p.nextLevel.name}:\n`);
      for (const m of p.missingForNext) ctx.io.stdout(`  ${m.metric}: ${m.have} of ${m.need}\n`);
    }
    const arr = p.commercial.arrAtStake.map((m) => `${m.amount / 100} ${m.currency}`).join(', ') || 'none';
    ctx.io.stdout(
      `\ncommercial: ${p.commercial.accountCount} accounts, ARR at stake ${arr}\ntechnical: ${p.technical.improvements.length} improvements, effort ${p.technical.totalEffort}, verified ${p.technical.verdicts.verified}\n`,
    );
    return 0;
  },
};

export const reflectCommand: CliCommand = {
  name: 'reflect',
  summary: 'Write a reflection in your loop journal',
  usage: [
    'productos reflect --as EMAIL --body TEXT --step observe|reflect|brainstorm|implement|repeat',
    `  [--principles slug,slug] [--link ${WORK_ITEM_TYPES.join('|')}:ID,…] [--visibility private|team]`,
  ].join('\n'),
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, {
      as: { type: 'string' },
      body: { type: 'string' },
      step: { type: 'string' },
      principles: { type: 'string' },
      link: { type: 'string' },
      visibility: { type: 'string' },
    });
    const list = (v: string | undefined) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined;
    const links = list(values.link)?.map((l) => {
      const [type, id] = l.split(':');
      if (!id) throw new UsageError(`--link ${l}: write TYPE:ID`);
      return { type, id };
    });
    const input = parseInput(createReflectionInput, {
      body: required(values.body, '--body'),
      step: required(values.step, '--step'),
      principles: list(values.principles),
      links,
      visibility: values.visibility,
    });
    const deps = await ctx.deps();
    const actor = await actAs(deps, required(values.as, '--as'));
    const reflection = await createReflection(deps, actor, input);
    ctx.io.stdout(`reflection ${reflection.id} (${reflection.visibility}, ${reflection.step})\n`);
    return 0;
  },
};

/** The builders' commands, for src/cli/main.ts. */
export const builderCommands: CliCommand[] = [principlesCommand, builderCommand, reflectCommand];
