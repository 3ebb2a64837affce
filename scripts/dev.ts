/**
 * `npm run dev`: the API server (on PORT, default 3000) and the Vite dev server with hot reload (on
 * WEB_PORT, default 5173), which proxies /api, /docs and /openapi.json to the API. Open the Vite
 * address. The API types are regenerated first, so the editor sees the current routes.
 */
import { createServer } from 'vite';
import { readConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { generateApiTypes } from './build-web.ts';
import { webViteConfig } from './web-vite-config.ts';

const webPort = Number(process.env.WEB_PORT ?? 5173);
// Links the server prints (the setup link) should open the hot-reloading app.
process.env.PUBLIC_URL ??= `http://127.0.0.1:${webPort}`;
const config = readConfig();

await generateApiTypes();
await startServer(config);
const vite = await createServer(
  webViteConfig({
    apiUrl: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`,
    port: webPort,
  }),
);
await vite.listen();
process.stdout.write(`web app with hot reload: http://127.0.0.1:${webPort}\n`);
