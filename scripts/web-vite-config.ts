import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { InlineConfig } from 'vite';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Paths the API server answers; the Vite dev server proxies them to it. */
const SERVER_PATHS = ['/api', '/docs', '/openapi.json', '/healthz', '/p/'];

/**
 * The one Vite configuration of web/, for the production build (scripts/build-web.ts) and the dev
 * server (scripts/dev.ts). Kept here, beside the scripts that use it, so it is type-checked with them.
 */
export function webViteConfig(options: { apiUrl?: string; port?: number } = {}): InlineConfig {
  return {
    root: join(repo, 'web'),
    configFile: false,
    plugins: [react()],
    build: {
      outDir: join(repo, 'dist/web'),
      emptyOutDir: true,
      // Hashed names under /assets/ are what the server caches for a year.
      assetsDir: 'assets',
      sourcemap: false,
      // The entry chunk is ~450 kB minified, ~145 kB gzip: the budget (200 kB gzip) is checked by the benchmark.
      chunkSizeWarningLimit: 600,
    },
    server: {
      port: options.port ?? 5173,
      strictPort: true,
      host: '127.0.0.1',
      proxy: Object.fromEntries(
        SERVER_PATHS.map((path) => [path, { target: options.apiUrl ?? 'http://127.0.0.1:3000' }]),
      ),
    },
  };
}
