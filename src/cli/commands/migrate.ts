import { openStore } from '../../store/database.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliCommand } from '../command.ts';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Bring the database schema up to date (the server also does this at start)',
  usage: 'productos migrate',
  async run(args, ctx) {
    parseCommandArgs(args, {});
    const store = openStore(ctx.config.databaseUrl);
    try {
      const applied = await migrateToLatest(store.db);
      ctx.io.stdout(
        applied.length
          ? `applied: ${applied.join(', ')}\n`
          : `up to date (${store.dialect} ${store.location})\n`,
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};
