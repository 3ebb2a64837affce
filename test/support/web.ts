import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createDeps, settleDeps } from '../../src/deps.ts';
import { SYSTEM_ACTOR } from '../../src/domain/authorization.ts';
import { buildApp } from '../../src/http/app.ts';
import { openStore } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { createToken, issueSetupToken } from '../../src/usecases/auth.ts';
import type { Deps } from '../../src/usecases/context.ts';
import { createUser } from '../../src/usecases/users.ts';

const repo = join(import.meta.dirname, '../..');
export const WEB_ROOT = join(repo, 'dist/web');

/** Debian's Chromium (apt-get install chromium), or CHROMIUM_PATH. */
export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => Boolean(path && existsSync(path))) ?? null;
}

/**
 * Why the browser suite cannot run here, or false when it can. Without Chromium it skips loudly on
 * a developer's machine; in CI (CI=true) a missing Chromium fails instead, since .ci/run installs it.
 */
export function browserSkipReason(): string | false {
  if (chromiumPath()) return false;
  const message =
    'Chromium not found (apt-get install -y chromium, or set CHROMIUM_PATH): browser suite SKIPPED';
  if (process.env.CI) throw new Error(`${message} — CI must run it`);
  process.stdout.write(`\n${'#'.repeat(72)}\n# ${message}\n${'#'.repeat(72)}\n`);
  return message;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsCurrent(): boolean {
  const index = join(WEB_ROOT, 'index.html');
  const sources = Math.max(newestMtime(join(repo, 'web')), newestMtime(join(repo, 'src/http')));
  return existsSync(index) && statSync(index).mtimeMs >= sources;
}

/**
 * Builds the web app when dist/web is missing or older than its sources, so tests never run a stale
 * build. Test files run in parallel: one builds (holding a lock directory) while the others wait.
 */
export function ensureWebBuild(): void {
  const lock = join(repo, 'node_modules/.cache/productos-web-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  while (!buildIsCurrent()) {
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline)
        throw new Error(`a web build held ${lock} for 10 minutes; remove it if stale`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      continue;
    }
    try {
      if (!buildIsCurrent()) {
        execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'scripts/build-web.ts')], {
          cwd: repo,
          stdio: ['ignore', 'ignore', 'inherit'],
        });
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    return;
  }
}

export const PASSWORD = 'correct horse battery';

export interface WebServer {
  url: string;
  app: FastifyInstance;
  deps: Deps;
  admin: { email: string; name: string; token: string };
  /** The one-time setup link, when started with `users: false`. */
  setupToken: string | null;
  /** Calls the API as the admin (bearer token) and returns the parsed body; throws on an error status. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * The real server (API + built web app) on 127.0.0.1, port 0, over a temporary SQLite file, with one
 * admin (or none, to test the first-run setup). Data is seeded through the API, as a user would.
 */
export async function startWebServer(options: { users?: boolean } = {}): Promise<WebServer> {
  const dir = mkdtempSync(join(tmpdir(), 'productos-web-'));
  const store = openStore(`sqlite:${join(dir, 'web.db')}`);
  await migrateToLatest(store.db);
  const deps = createDeps({ store });
  const app = await buildApp(deps, { publicUrl: 'http://127.0.0.1', logger: false, webRoot: WEB_ROOT });
  const admin = { email: 'ana@example.test', name: 'Ana Builder', token: '' };
  let setupToken: string | null = null;
  if (options.users === false) {
    setupToken = await issueSetupToken(deps);
  } else {
    const user = await createUser(deps, SYSTEM_ACTOR, { ...admin, role: 'admin', password: PASSWORD });
    const actor = { kind: 'user' as const, userId: user.id, role: 'admin' as const, name: user.name };
    admin.token = (await createToken(deps, actor, { name: 'web tests' })).token;
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    app,
    deps,
    admin,
    setupToken,
    async api<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${admin.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
      return (text ? JSON.parse(text) : null) as T;
    },
    async close() {
      await app.close();
      await settleDeps(deps);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Headless Debian Chromium; Playwright gives it a fresh temporary profile and removes it on close. */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath() ?? undefined,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { browser, close: () => browser.close() };
}

export interface PageProblems {
  /** Content-Security-Policy violations the page reported. */
  cspViolations: string[];
  /** Uncaught exceptions and console errors. */
  errors: string[];
}

/**
 * A page in a context of its own (cookies, storage), watched for CSP violations and script errors,
 * at desktop size (1280×800) unless told otherwise.
 */
export async function openPage(
  browser: Browser,
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<{ page: Page; context: BrowserContext; problems: PageProblems }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  // Generous: the machine may be shared by several test runs; tests wait for what they see, never for time.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  const problems: PageProblems = { cspViolations: [], errors: [] };
  await page.exposeFunction('__reportCsp', (text: string) => problems.cspViolations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __reportCsp: (t: string) => void }).__reportCsp(
        `${event.violatedDirective} blocked ${event.blockedURI}`,
      );
    });
  });
  page.on('pageerror', (error) => problems.errors.push(error.message));
  page.on('console', (message) => {
    // A 4xx from the API (401 from /me when signed out, 409 on a conflict) is an answer the app
    // handles, which Chromium also logs; anything else logged as an error is a problem.
    if (message.type() === 'error' && !/^Failed to load resource: .* status of 4\d\d/.test(message.text())) {
      problems.errors.push(message.text());
    }
  });
  return { page, context, problems };
}

/** Signs in through the form, as a person would, and waits for the inbox. */
export async function signIn(page: Page, server: WebServer, path = '/inbox'): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.getByLabel('Email').fill(server.admin.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Injects axe-core into the page and returns its serious and critical violations (WCAG 2.x A/AA). */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  // Injected through the DevTools protocol, not a <script> tag: the page's CSP (rightly) refuses inline scripts.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<unknown> } }).axe;
    return axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
  });
  const violations = (
    result as {
      violations: Array<{
        id: string;
        impact: string | null;
        help: string;
        nodes: Array<{ target: string[] }>;
      }>;
    }
  ).violations;
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
}
