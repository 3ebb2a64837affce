import { SYSTEM_ACTOR } from '../../domain/authorization.ts';
import { createUserInput } from '../../domain/user.ts';
import { createToken, revokeToken } from '../../usecases/auth.ts';
import { assertUserExists, createUser, listUsers, userByEmail } from '../../usecases/users.ts';
import { parseCommandArgs, required } from '../args.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { parseInput } from '../input.ts';
import { printJson, printTable } from '../output.ts';

export const userCommand: CliCommand = {
  name: 'user',
  summary: 'Add or list people',
  usage: [
    'productos user add --email E --name N [--role admin|builder|viewer] [--password P]',
    '  (without --password, reads it from the PRODUCTOS_PASSWORD environment variable)',
    'productos user list [--json]',
  ].join('\n'),
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === 'add') {
      const { values } = parseCommandArgs(rest, {
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        password: { type: 'string' },
      });
      const password = values.password ?? process.env.PRODUCTOS_PASSWORD;
      const input = parseInput(createUserInput, {
        email: required(values.email, '--email'),
        name: required(values.name, '--name'),
        role: values.role ?? 'builder',
        password: required(password, '--password (or PRODUCTOS_PASSWORD)'),
      });
      const user = await createUser(await ctx.deps(), SYSTEM_ACTOR, input);
      ctx.io.stdout(`added ${user.role} ${user.email} (${user.id})\n`);
      return 0;
    }
    if (sub === 'list') {
      const { values } = parseCommandArgs(rest, { json: { type: 'boolean' } });
      const deps = await ctx.deps();
      const users = [];
      let cursor: string | undefined;
      do {
        const page = await listUsers(deps, SYSTEM_ACTOR, { limit: 200, cursor });
        users.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      if (values.json) printJson(ctx.io, users);
      else printTable(ctx.io, users, ['id', 'email', 'name', 'role', 'disabled']);
      return 0;
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'say add or list');
  },
};

export const tokenCommand: CliCommand = {
  name: 'token',
  summary: 'Create or revoke API tokens',
  usage: ['productos token create --user EMAIL --name NAME [--days N]', 'productos token revoke ID'].join(
    '\n',
  ),
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const deps = await ctx.deps();
    if (sub === 'create') {
      const { values } = parseCommandArgs(rest, {
        user: { type: 'string' },
        name: { type: 'string' },
        days: { type: 'string' },
      });
      const email = required(values.user, '--user');
      const user = await userByEmail(deps.store.db, email);
      assertUserExists(user, email);
      const days = values.days ? Number(values.days) : undefined;
      if (days !== undefined && (!Number.isInteger(days) || days < 1))
        throw new UsageError('--days must be a whole number of days');
      const created = await createToken(deps, SYSTEM_ACTOR, {
        name: required(values.name, '--name'),
        userId: user.id,
        expiresInDays: days,
      });
      ctx.io.stderr(`token ${created.id} for ${user.email}; it is shown only once:\n`);
      ctx.io.stdout(`${created.token}\n`);
      return 0;
    }
    if (sub === 'revoke') {
      const { positionals } = parseCommandArgs(rest, {});
      if (positionals.length !== 1) throw new UsageError('name one token id');
      const token = await revokeToken(deps, SYSTEM_ACTOR, positionals[0]);
      ctx.io.stdout(`revoked ${token.id} (${token.name})\n`);
      return 0;
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'say create or revoke');
  },
};
