/**
 * Web app budgets (issue 18), measured in real Chromium against the real server on a temporary
 * SQLite file seeded through the API:
 *   - the JavaScript a first visit loads (gzip), against 200 KB;
 *   - the inbox interactive (list rendered, first item open) after navigation, on 10,000 items,
 *     against 1 s;
 *   - a triage action's visible effect (key press → the item leaves the list, painted), against
 *     100 ms (optimistic; the server confirms afterwards).
 * Returns a markdown section for docs/benchmarks.md.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import {
  chromiumPath,
  ensureWebBuild,
  launchBrowser,
  openPage,
  signIn,
  startWebServer,
  WEB_ROOT,
  type WebServer,
} from '../test/support/web.ts';
import { seedInbox } from '../test/support/web-seed.ts';

export interface WebBenchOptions {
  /** Feedback items in the inbox (10,000 by default). */
  items?: number;
  /** Page loads of the inbox measured. */
  loads?: number;
  /** Triage actions measured. */
  actions?: number;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/** The scripts index.html loads up front (entry and module preloads), and the inbox's lazy chunk. */
function bundleSizes(): { initial: number; initialFiles: number; inbox: number; css: number } {
  const html = readFileSync(join(WEB_ROOT, 'index.html'), 'utf8');
  const gz = (path: string) => gzipSync(readFileSync(join(WEB_ROOT, path))).length;
  const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const styles = [...html.matchAll(/href="\/(assets\/[^"]+\.css)"/g)].map((m) => m[1]);
  const entry = readFileSync(join(WEB_ROOT, scripts[0]), 'utf8');
  const inboxChunk = /assets\/(inbox-screen-[\w-]+\.js)/.exec(entry)?.[1];
  return {
    initial: scripts.reduce((sum, file) => sum + gz(file), 0),
    initialFiles: scripts.length,
    inbox: inboxChunk ? gz(`assets/${inboxChunk}`) : 0,
    css: styles.reduce((sum, file) => sum + gz(file), 0),
  };
}

async function seedLargeInbox(server: WebServer, items: number): Promise<void> {
  await seedInbox(server, 'bench', { productName: 'Etcher', tagTitles: false });
  const words = [
    'export',
    'flash',
    'settings',
    'login',
    'billing',
    'sync',
    'device',
    'update',
    'slow',
    'crash',
  ];
  for (let start = 0; start < items; start += 1000) {
    const count = Math.min(1000, items - start);
    await server.api('POST', '/api/v1/feedback', {
      items: Array.from({ length: count }, (_, k) => {
        const n = start + k;
        return {
          text: `Item ${n}: the ${words[n % 10]} ${words[(n * 7) % 10]} is ${n % 3 ? 'broken' : 'confusing'} for us`,
          receivedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
          source: { channel: n % 2 ? 'email' : 'github', externalId: `bench-${n}` },
          contact: {
            email: `c${n % 500}@bench.example`,
            account: `Account ${n % 200}`,
            arr: (n % 200) * 100_000,
          },
        };
      }),
    });
  }
}

/**
 * Milliseconds from navigation start until the inbox list is rendered with its first item open, and
 * how long of that the first page of the list took to come from the server.
 */
async function inboxInteractiveMs(page: Page, url: string): Promise<{ total: number; list: number }> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(
    () =>
      document.querySelector('[role="listbox"][aria-activedescendant]') !== null &&
      document.querySelector('.detail-text') !== null,
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  return page.evaluate(() => {
    const entry = performance
      .getEntriesByType('resource')
      .find((e) => e.name.includes('/api/v1/feedback?')) as PerformanceResourceTiming | undefined;
    return { total: performance.now(), list: entry ? entry.responseEnd - entry.requestStart : 0 };
  });
}

/** The baseline: the same app's sign-in form (its code, the 401 from /me, no data), signed out. */
async function signInFormMs(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector('#password', { timeout: 60_000 });
  return page.evaluate(() => performance.now());
}

/**
 * In-page: key presses → the cursor's row is gone from the DOM and a frame has been painted. A string,
 * because tsx would wrap named functions in a helper that does not exist in the page.
 */
const ACTION_EFFECT = `async (sequence) => {
  const id = document.querySelector('[role="listbox"]').getAttribute('aria-activedescendant');
  const target = document.activeElement || document.body;
  for (const key of sequence.slice(0, -1)) {
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
    await new Promise((r) => setTimeout(r, 50));
  }
  const started = performance.now();
  (document.activeElement || document.body).dispatchEvent(
    new KeyboardEvent('keydown', { key: sequence[sequence.length - 1], bubbles: true }),
  );
  while (document.getElementById(id)) await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => requestAnimationFrame(r));
  return performance.now() - started;
}`;

async function actionEffectMs(page: Page, keys: string[]): Promise<number> {
  return page.evaluate(`(${ACTION_EFFECT})(${JSON.stringify(keys)})`) as Promise<number>;
}

/** Runs the web benchmarks and returns their markdown section. */
export async function benchWeb(options: WebBenchOptions = {}): Promise<string> {
  const items = options.items ?? 10_000;
  const loads = options.loads ?? 7;
  const actions = options.actions ?? 20;
  if (!chromiumPath()) return '## Web app\n\nSkipped: Chromium not found (apt-get install -y chromium).';
  ensureWebBuild();
  const sizes = bundleSizes();
  const server = await startWebServer();
  const { browser, close } = await launchBrowser();
  try {
    const seedStart = Date.now();
    await seedLargeInbox(server, items);
    const seedSeconds = (Date.now() - seedStart) / 1000;
    const { page, context } = await openPage(browser);
    await signIn(page, server, '/inbox');
    // Warm the server's pattern engine once, as any running server is.
    await page.getByRole('list', { name: 'Suggested patterns' }).waitFor({ timeout: 60_000 });

    const cold = await (async () => {
      const fresh = await browser.newContext({ storageState: await context.storageState() });
      const coldPage = await fresh.newPage();
      const ms = await inboxInteractiveMs(coldPage, `${server.url}/inbox`);
      await fresh.close();
      return ms.total;
    })();
    // Inbox loads interleaved with the baseline, so both see the same machine load.
    const signedOut = await openPage(browser);
    const warm: number[] = [];
    const listMs: number[] = [];
    const baseline: number[] = [];
    for (let n = 0; n < loads; n++) {
      baseline.push(await signInFormMs(signedOut.page, `${server.url}/sign-in`));
      const load = await inboxInteractiveMs(page, `${server.url}/inbox`);
      warm.push(load.total);
      listMs.push(load.list);
    }
    await signedOut.context.close();
    const load = loadavg()[0];

    const link: number[] = [];
    const dismiss: number[] = [];
    for (let n = 0; n < actions; n++) {
      await page.getByRole('list', { name: 'Suggested patterns' }).waitFor();
      if (n % 2 === 0) link.push(await actionEffectMs(page, ['1']));
      else dismiss.push(await actionEffectMs(page, ['d', '1']));
    }
    await context.close();

    const all = [...link, ...dismiss];
    return [
      '## Web app',
      '',
      `Debian Chromium (headless) against the real server on a temporary SQLite file holding ${items.toLocaleString('en')} new feedback items (seeded through the API in ${seedSeconds.toFixed(1)} s), 1280×800, ${cpus().length} cores at a load average of ${load.toFixed(1)} when measured. Timings are the page's own \`performance.now()\`: from navigation start, and from the key press to the frame after the row left the list. The baseline is the same app's sign-in form (its code and one API call, no data), loaded in turns with the inbox.`,
      '',
      '| measure | result | budget |',
      '| --- | --- | --- |',
      `| JavaScript loaded by a first visit (${sizes.initialFiles} file${sizes.initialFiles === 1 ? '' : 's'}, gzip) | **${kb(sizes.initial)}** (+ ${kb(sizes.inbox)} for the inbox screen, loaded on demand; CSS ${kb(sizes.css)}) | ≤ 200 KB |`,
      `| inbox interactive after navigation (list rendered, first item open), ${items.toLocaleString('en')} items | reloads: **median ${quantile(warm, 0.5).toFixed(0)} ms**, max ${Math.max(...warm).toFixed(0)} ms (${loads} loads; the list's first page took median ${quantile(listMs, 0.5).toFixed(0)} ms of it); baseline sign-in form median ${quantile(baseline, 0.5).toFixed(0)} ms, so the inbox costs **×${(quantile(warm, 0.5) / quantile(baseline, 0.5)).toFixed(2)}** the app's bare start; first load with an empty browser cache ${cold.toFixed(0)} ms | < 1,000 ms |`,
      `| triage action's visible effect (optimistic), ${all.length} actions | link by \`1\`: median ${quantile(link, 0.5).toFixed(1)} ms, max ${Math.max(...link).toFixed(1)} ms; dismiss (\`d\`, reason): median ${quantile(dismiss, 0.5).toFixed(1)} ms, max ${Math.max(...dismiss).toFixed(1)} ms | < 100 ms |`,
    ].join('\n');
  } finally {
    await close();
    await server.close();
  }
}
