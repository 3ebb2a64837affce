import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build:web` (and so `npm install`) writes the built single-page app. */
export const DEFAULT_WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** Paths the server owns; everything else that looks like a page is the web app's client route. */
const SERVER_PREFIXES = ['/api/', '/docs', '/openapi.json', '/healthz', '/assets/', '/p/'];

/** A file at the top of the build, such as /theme.js: one safe name, no directories. */
const ROOT_FILE = /^\/([\w-]+\.[a-z]+)$/;
/** A hashed bundle, such as /assets/index-DiRv3bcE.js: one safe name, no directories. */
const ASSET_FILE = /^\/assets\/([\w-]+\.[a-z]+)$/;

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>productOS — web app not built</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
code{background:#8881;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>The web app has not been built</h1>
<p>It is built by <code>npm install</code>. Build it now with <code>npm run build:web</code> and reload this page
(no restart needed).</p>
<p>The API works meanwhile: <a href="/docs">API documentation</a>. A first admin can also be created with
<code>POST /api/v1/setup</code> and the token from the setup link.</p></body></html>`;

/** True for a GET of a path that the single-page app's router handles (`/inbox`, `/setup?token=…`). */
export function isClientRoute(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0];
  if (SERVER_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix))) {
    return false;
  }
  return extname(path) === '';
}

export interface WebApp {
  /**
   * Answers what the API's routes did not: a root file of the build (theme.js, icons) or a client
   * route (index.html, or the "not built" page). False when the request is neither.
   */
  serve(request: FastifyRequest, reply: FastifyReply): boolean;
}

/** Hashed names change with their content, so a browser may keep them for a year without asking. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

function sendFile(reply: FastifyReply, file: string, cacheControl: string): boolean {
  if (!existsSync(file) || !statSync(file).isFile()) return false;
  // Answered from the not-found handler, whose default status is 404.
  void reply
    .code(200)
    .header('cache-control', cacheControl)
    .type(TYPES[extname(file)] ?? 'application/octet-stream')
    .send(readFileSync(file));
  return true;
}

function sendIndex(reply: FastifyReply, html: string, status = 200): void {
  // index.html names the hashed bundles of this build: it must be revalidated on every load.
  void reply.code(status).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
}

/**
 * Serves the built web app from `root`: hashed bundles under /assets/ cached for a year (their
 * names change with their content; only plain file names are served, so no path leaves the build), the few root files (theme.js, icons) and index.html (for every
 * client route) revalidated on each load. When the app has not been built the server still starts
 * and its pages say how to build it; files are looked up on each request, so a later build is picked
 * up without a restart.
 */
export function registerWebApp(app: FastifyInstance, root: string): WebApp {
  const indexPath = join(root, 'index.html');
  if (!existsSync(indexPath)) {
    app.log.warn(`the web app is not built (no ${indexPath}): run "npm run build:web"`);
  }

  let index: { mtimeMs: number; html: string } | null = null;
  const readIndex = (): string | null => {
    if (!existsSync(indexPath)) return null;
    const { mtimeMs } = statSync(indexPath);
    if (index?.mtimeMs !== mtimeMs) index = { mtimeMs, html: readFileSync(indexPath, 'utf8') };
    return index.html;
  };
  return {
    serve(request, reply) {
      const path = request.url.split('?')[0];
      const reading = request.method === 'GET' || request.method === 'HEAD';
      const asset = ASSET_FILE.exec(path)?.[1];
      const rootFile = ROOT_FILE.exec(path)?.[1];
      if (reading && asset) return sendFile(reply, join(root, 'assets', asset), IMMUTABLE);
      if (reading && rootFile && rootFile !== 'index.html')
        return sendFile(reply, join(root, rootFile), 'no-cache');
      if (!isClientRoute(request)) return false;
      const html = readIndex();
      if (html === null) sendIndex(reply, NOT_BUILT_PAGE, 503);
      else sendIndex(reply, html);
      return true;
    },
  };
}
