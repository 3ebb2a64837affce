import { createDeps, settleDeps } from '../src/deps.ts';
import { buildApp } from '../src/http/app.ts';
import { openStore } from '../src/store/database.ts';

/**
 * The server's own OpenAPI document, produced in-process: the app is built over an in-memory
 * SQLite database (routes only; nothing is migrated or listened on), so the web build needs no
 * network, no database and no running server.
 */
export async function openApiSpec(): Promise<unknown> {
  const store = openStore('sqlite::memory:');
  const deps = createDeps({ store });
  const app = await buildApp(deps, { publicUrl: 'http://127.0.0.1:3000', logger: false });
  try {
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
    await settleDeps(deps);
    await store.close();
  }
}
