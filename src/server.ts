import { type Config, embeddingsOf } from './config.ts';
import { createDeps, startBackground } from './deps.ts';
import { buildApp } from './http/app.ts';
import { openStore } from './store/database.ts';
import { migrateToLatest } from './store/migrate.ts';
import { ensureConfiguredAdmin, issueSetupToken } from './usecases/auth.ts';
import type { Deps } from './usecases/context.ts';

/**
 * Opens the database, migrates it, makes sure somebody can sign in (the configured admin, or a
 * one-time setup link), then listens. Stops cleanly on SIGINT/SIGTERM.
 */
export async function startServer(config: Config): Promise<{ close: () => Promise<void>; url: string }> {
  const store = openStore(config.databaseUrl);
  await migrateToLatest(store.db);
  const deps: Deps = createDeps({
    store,
    settings: { smtpUrl: config.smtpUrl, publicUrl: config.publicUrl },
    embeddings: embeddingsOf(config),
  });
  const app = await buildApp(deps, {
    publicUrl: config.publicUrl,
    logLevel: config.logLevel,
    githubWebhookSecret: config.githubWebhookSecret,
  });

  if (config.adminEmail && config.adminPassword) {
    const admin = await ensureConfiguredAdmin(deps, config.adminEmail, config.adminPassword);
    if (admin) app.log.info(`created admin ${admin.email} from PRODUCTOS_ADMIN_EMAIL`);
  } else {
    const token = await issueSetupToken(deps);
    if (token) {
      // Printed, not logged as JSON: this is the one thing a new user must see at first start.
      process.stdout.write(
        `\n  productOS has no users yet. Create the first admin here (one-time link):\n  ${config.publicUrl}/setup?token=${token}\n\n`,
      );
    }
  }

  const stopBackground = await startBackground(deps);
  await app.listen({ port: config.port, host: config.host });
  process.stdout.write(
    `productOS is serving ${config.publicUrl} (database: ${store.dialect} ${store.location}); API docs at ${config.publicUrl}/docs\n`,
  );
  const close = async () => {
    // Open live-update streams end first (the app's preClose), then the LISTEN connection.
    await app.close();
    await stopBackground();
    await deps.live.close();
    await store.close();
  };
  const stop = () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { close, url: config.publicUrl };
}
