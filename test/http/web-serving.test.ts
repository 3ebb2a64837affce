import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createDeps, settleDeps } from '../../src/deps.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Deps } from '../../src/usecases/context.ts';
import { databaseTargets } from '../support/databases.ts';

const [sqlite] = databaseTargets();

/** A stand-in build: the server's serving rules, not Vite's output, are under test here. */
function fakeBuild(): string {
  const root = mkdtempSync(join(tmpdir(), 'productos-webroot-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>productOS</title><div id="root"></div>');
  writeFileSync(join(root, 'assets/index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'theme.js'), '// theme');
  return root;
}

describe('serving the web app, with security headers on every response', () => {
  let drop: () => Promise<void>;
  let deps: Deps;
  const roots: string[] = [];
  const apps: FastifyInstance[] = [];
  async function appWith(options: { publicUrl?: string; webRoot: string }): Promise<FastifyInstance> {
    const app = await buildApp(deps, {
      publicUrl: options.publicUrl ?? 'http://127.0.0.1:3000',
      logger: false,
      webRoot: options.webRoot,
    });
    apps.push(app);
    return app;
  }
  before(async () => {
    const db = await sqlite.create();
    drop = db.drop;
    deps = createDeps({ store: db.store });
  });
  after(async () => {
    for (const app of apps) await app.close();
    await settleDeps(deps);
    await drop();
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  test('client routes answer index.html, revalidated; the API, docs and spec keep their own answers', async () => {
    const root = fakeBuild();
    roots.push(root);
    const app = await appWith({ webRoot: root });
    for (const url of ['/', '/inbox', '/inbox?productId=x&q=export', '/setup?token=setup_abc', '/patterns']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.match(response.headers['content-type'] as string, /text\/html/);
      assert.equal(response.headers['cache-control'], 'no-cache');
      assert.match(response.body, /<div id="root">/);
    }
    const api = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error.code, 'not_found');
    const missingAsset = await app.inject({ method: 'GET', url: '/assets/gone-123.js' });
    assert.equal(missingAsset.statusCode, 404);
    const post = await app.inject({ method: 'POST', url: '/inbox' });
    assert.equal(post.statusCode, 404, 'only GET and HEAD fall back to the app');
    const spec = await app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(spec.json().openapi, '3.1.0');
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger-ui/);
    assert.doesNotMatch(
      docs.body,
      /<script>(?!\s*<\/script>)[^<]+<\/script>/,
      'no inline script in the docs page',
    );
  });

  test('hashed assets are cached for a year; root files such as theme.js are revalidated', async () => {
    const root = fakeBuild();
    roots.push(root);
    const app = await appWith({ webRoot: root });
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(asset.headers['cache-control'] as string, /max-age=31536000.*immutable/);
    assert.match(asset.headers['content-type'] as string, /javascript/);
    const theme = await app.inject({ method: 'GET', url: '/theme.js' });
    assert.equal(theme.statusCode, 200);
    assert.equal(theme.headers['cache-control'], 'no-cache');
    assert.match(theme.headers['content-type'] as string, /javascript/);
    const traversal = await app.inject({ method: 'GET', url: '/..%2Fpackage.json' });
    assert.equal(traversal.statusCode, 404);
  });

  test('every response carries a strict CSP without inline script, no framing and nosniff; HSTS only on https', async () => {
    const root = fakeBuild();
    roots.push(root);
    const http = await appWith({ webRoot: root });
    for (const url of ['/inbox', '/api/v1/me', '/healthz', '/docs', '/openapi.json', '/api/v1/nothing']) {
      const response = await http.inject({ method: 'GET', url });
      const csp = response.headers['content-security-policy'] as string;
      assert.ok(csp, `${url} has a CSP`);
      const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1];
      assert.equal(scriptSrc, "'self'", `${url}: scripts from this origin only`);
      assert.match(csp, /script-src-attr 'none'/);
      assert.match(csp, /object-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-eval/);
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(response.headers['x-frame-options'], 'DENY', url);
      assert.equal(response.headers['strict-transport-security'], undefined, `${url}: no HSTS over http`);
    }
    const https = await appWith({ webRoot: root, publicUrl: 'https://productos.example.com' });
    const response = await https.inject({ method: 'GET', url: '/inbox' });
    assert.match(response.headers['strict-transport-security'] as string, /max-age=31536000/);
    assert.match(response.headers['content-security-policy'] as string, /upgrade-insecure-requests/);
  });

  test('without a build the server still starts, and its pages say how to build the app', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'productos-nobuild-'));
    roots.push(empty);
    const app = await appWith({ webRoot: join(empty, 'dist/web') });
    const page = await app.inject({ method: 'GET', url: '/setup?token=setup_abc' });
    assert.equal(page.statusCode, 503);
    assert.match(page.body, /npm run build:web/);
    assert.doesNotMatch(page.body, /<script/);
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);

    // A build made while the server runs is picked up without a restart.
    mkdirSync(join(empty, 'dist/web'), { recursive: true });
    writeFileSync(join(empty, 'dist/web/index.html'), '<!doctype html><div id="root"></div>');
    const later = await app.inject({ method: 'GET', url: '/inbox' });
    assert.equal(later.statusCode, 200);
    assert.match(later.body, /id="root"/);
  });
});
