import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  browserSkipReason,
  ensureWebBuild,
  launchBrowser,
  openPage,
  signIn,
  startWebServer,
  type WebServer,
} from '../support/web.ts';
import { seedInbox } from '../support/web-seed.ts';

const skip = browserSkipReason();

async function cursorId(page: Page): Promise<string> {
  const active = await page.getByRole('listbox').getAttribute('aria-activedescendant');
  assert.ok(active);
  return active.replace('inbox-row-', '');
}

describe('live updates between two browsers (Chromium, GET /api/v1/events)', { skip }, () => {
  let server: WebServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  before(async () => {
    ensureWebBuild();
    server = await startWebServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  after(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  test('a new item shows as "1 new" without moving the list, and joins it when asked', async () => {
    const seeded = await seedInbox(server, 'fresh');
    const { page, context } = await openPage(browser);
    await signIn(page, server, `/inbox?productId=${seeded.productId}`);
    await page.getByRole('listbox').waitFor();
    await page.keyboard.press('j');
    const before = await cursorId(page);
    const created = await server.api<{ id: string }>('POST', '/api/v1/feedback', {
      text: 'Arrived while you were triaging: the CLI cannot flash compressed images',
      productId: seeded.productId,
      source: { channel: 'email', externalId: 'live-new-1' },
    });
    const badge = page.getByRole('button', { name: '1 new' });
    await badge.waitFor();
    assert.equal(await page.locator(`#inbox-row-${created.id}`).count(), 0, 'not inserted under the cursor');
    assert.equal(await cursorId(page), before);
    await badge.click();
    await page.locator(`#inbox-row-${created.id}`).waitFor();
    assert.equal(await cursorId(page), before, 'the cursor stays on its item');
    await context.close();
  });

  test('a link made in one browser appears in another without a reload', async () => {
    const seeded = await seedInbox(server, 'twins');
    const a = await openPage(browser);
    const b = await openPage(browser);
    await signIn(a.page, server, `/inbox?productId=${seeded.productId}`);
    await a.page.getByRole('list', { name: 'Suggested patterns' }).waitFor();
    const target = await cursorId(a.page);
    await signIn(b.page, server, `/inbox?productId=${seeded.productId}&status=all&item=${target}`);
    await b.page.locator('.detail-text').waitFor();
    assert.equal(await b.page.locator('.detail-header .badge').count(), 0, 'new: no status badge yet');

    await a.page.keyboard.press('1');
    await b.page.locator('.detail-header .badge', { hasText: 'linked' }).waitFor();

    // A browser showing the inbox proper sees the item leave it.
    const c = await openPage(browser);
    await signIn(c.page, server, `/inbox?productId=${seeded.productId}`);
    const next = await cursorId(c.page);
    await a.page.keyboard.press('d');
    await a.page.getByRole('dialog').waitFor();
    await a.page.keyboard.press('1');
    await c.page.locator(`#inbox-row-${next}`).waitFor({ state: 'detached' });
    for (const ctx of [a, b, c]) await ctx.context.close();
  });
});
