import { type Config, ConfigError, embeddingsOf, readConfig } from '../config.ts';
import { createDeps } from '../deps.ts';
import { AppError } from '../domain/errors.ts';
import { openStore } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';
import type { Deps } from '../usecases/context.ts';
import { type CliCommand, type CliIo, UsageError } from './command.ts';
import { builderCommands } from './commands/builders.ts';
import { crudCommands } from './commands/crud.ts';
import { backupCommand, exportCommand, importAllCommand } from './commands/data.ts';
import { deployCommand } from './commands/deploy.ts';
import { evalCommand } from './commands/eval.ts';
import { importCommand } from './commands/import.ts';
import { withLoopActions } from './commands/loop.ts';
import { migrateCommand } from './commands/migrate.ts';
import { withReflectActions } from './commands/reflect.ts';
import { serveCommand } from './commands/serve.ts';
import { tokenCommand, userCommand } from './commands/users.ts';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: CliCommand[] = [
  serveCommand,
  migrateCommand,
  userCommand,
  tokenCommand,
  importCommand,
  exportCommand,
  importAllCommand,
  backupCommand,
  deployCommand,
  evalCommand,
  ...withLoopActions(withReflectActions(crudCommands)),
  ...builderCommands,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'productos — the Product Builder’s loop: observe → reflect → design → ship → measure',
    '',
    'Usage: productos <command> [options]     productos <command> --help',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'The database is DATABASE_URL (default sqlite:./data/productos.db). The CLI acts directly on it as an admin.',
    '',
  ].join('\n');
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
  stdoutStream: process.stdout,
};

/** Runs one CLI invocation and returns its exit code. Tests call this with their own io and config. */
export async function runCli(
  argv: string[],
  io: CliIo = processIo,
  configOverride?: Config,
): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(overview());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`productos: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${command.summary}\n\n${command.usage}\n`);
    return 0;
  }
  let deps: Deps | null = null;
  try {
    const config = configOverride ?? readConfig();
    const result = await command.run(args, {
      config,
      io,
      deps: async () => {
        if (!deps) {
          const store = openStore(config.databaseUrl);
          await migrateToLatest(store.db);
          deps = createDeps({
            store,
            settings: { smtpUrl: config.smtpUrl, publicUrl: config.publicUrl },
            embeddings: embeddingsOf(config),
          });
        }
        return deps;
      },
    });
    return result;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`productos ${name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr(`productos: ${error.message}\n`);
      return 2;
    }
    if (error instanceof AppError) {
      const fields = error.fields
        ? `\n${Object.entries(error.fields)
            .map(([f, m]) => `  ${f}: ${m}`)
            .join('\n')}`
        : '';
      io.stderr(`productos ${name}: ${error.code}: ${error.message}${fields}\n`);
      return 1;
    }
    throw error;
  } finally {
    const opened = deps as Deps | null;
    if (opened) await opened.store.close();
  }
}
