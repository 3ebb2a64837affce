import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  browserSkipReason,
  ensureWebBuild,
  launchBrowser,
  openPage,
  seriousA11yViolations,
  signIn,
  startWebServer,
  type WebServer,
} from '../support/web.ts';
import { seedInbox } from '../support/web-seed.ts';

const skip = browserSkipReason();

const XSS_TEXT = [
  'Export breaks <img src=x onerror="window.__xss=1"> and <script>window.__xss=2</script>',
  '[click me](javascript:window.__xss=3) <a href="javascript:window.__xss=4">a link</a>',
  '![x](x" onerror="window.__xss=5) <svg onload="window.__xss=6"></svg> **bold?**',
  'file name: \u202Egnp.exe\u202C and \u2067isolated\u2069 end',
].join('\n');

async function assertNoA11yProblems(page: Page, where: string): Promise<void> {
  const violations = await seriousA11yViolations(page);
  assert.deepEqual(violations, [], `axe-core on ${where}: ${JSON.stringify(violations, null, 2)}`);
}

describe('every screen in Chromium: accessibility, hostile text, the CSP, phone width', { skip }, () => {
  let server: WebServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let productId: string;
  before(async () => {
    ensureWebBuild();
    server = await startWebServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    productId = (await seedInbox(server, 'screens')).productId;
  });
  after(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`axe-core finds no serious or critical problem on any screen (${colorScheme})`, async () => {
      const { page, context, problems } = await openPage(browser, { colorScheme });
      await page.goto(`${server.url}/sign-in`);
      await page.getByLabel('Email').waitFor();
      await assertNoA11yProblems(page, 'sign-in');
      await page.goto(`${server.url}/setup?token=setup_not_a_real_one`);
      await page.getByLabel('Name').waitFor();
      await assertNoA11yProblems(page, 'setup');

      await signIn(page, server, `/inbox?productId=${productId}`);
      await page.getByRole('list', { name: 'Suggested patterns' }).waitFor();
      await assertNoA11yProblems(page, 'inbox');
      await page.keyboard.press('d');
      await page.getByRole('dialog').waitFor();
      await assertNoA11yProblems(page, 'dismiss dialog');
      await page.keyboard.press('Escape');
      await page.keyboard.press('l');
      await page.getByRole('dialog').waitFor();
      await assertNoA11yProblems(page, 'pattern picker');
      await page.keyboard.press('Escape');
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await assertNoA11yProblems(page, 'shortcut sheet');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+k');
      await page.getByRole('dialog', { name: 'Command palette' }).waitFor();
      await assertNoA11yProblems(page, 'command palette');
      await page.keyboard.press('Escape');
      await page.getByRole('tab', { name: 'Moderation' }).click();
      await page.getByRole('heading', { name: 'Nothing waits for moderation' }).waitFor();
      await assertNoA11yProblems(page, 'moderation queue');
      await page.goto(`${server.url}/patterns`);
      await page.getByRole('table').waitFor();
      await assertNoA11yProblems(page, 'patterns');
      await page.getByRole('button', { name: `Account menu for ${server.admin.name}` }).click();
      await page.getByRole('menu').waitFor();
      await assertNoA11yProblems(page, 'account menu');
      assert.deepEqual(problems, { cspViolations: [], errors: [] });
      await context.close();
    });
  }

  test('feedback full of XSS payloads renders as text, and no script runs', async () => {
    const item = await server.api<{ id: string }>('POST', '/api/v1/feedback', {
      text: XSS_TEXT,
      productId,
      source: { channel: 'email', externalId: 'xss-1' },
      contact: {
        name: '<b onmouseover="window.__xss=7">Eve</b>',
        email: 'eve@example.test',
        account: '<i>Evil</i> Corp',
      },
    });
    const pattern = await server.api<{ id: string }>('POST', '/api/v1/patterns', {
      title: 'Hostile <img src=x onerror="window.__xss=8">',
      description:
        '[run](javascript:window.__xss=9) <img src=x onerror="window.__xss=10"> <script>window.__xss=11</script> **safe bold**',
    });
    const { page, context, problems } = await openPage(browser);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(page, server, `/inbox?item=${item.id}&status=all`);
    const text = page.locator('.detail-text');
    await text.waitFor();
    assert.equal(await text.innerText(), XSS_TEXT, 'shown exactly as written');
    assert.equal(await page.locator('.detail img, .detail svg, .detail script').count(), 0);
    assert.match(
      await page.locator('#detail-who').innerText(),
      /<b onmouseover="window.__xss=7">Eve<\/b>|<i>Evil<\/i> Corp/,
    );
    // The right-to-left override is isolated in its own element, so it cannot reorder the labels around it.
    assert.equal(await text.evaluate((el) => el.tagName), 'BDI');

    await page.goto(`${server.url}/patterns?id=${pattern.id}`);
    const card = page.locator('.pattern-card');
    await card.waitFor();
    assert.equal(await card.locator('strong').innerText(), 'safe bold', 'markdown still renders');
    assert.equal(await card.locator('img[onerror], script, [href^="javascript"]').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.deepEqual(dialogs, []);
    // Not even a blocked attempt: hostile markup never reaches a DOM parser (the CSP would report it).
    assert.deepEqual(problems, { cspViolations: [], errors: [] });
    await context.close();
  });

  test('the API docs page works under the CSP', async () => {
    const { page, context, problems } = await openPage(browser);
    await page.goto(`${server.url}/docs`);
    await page.locator('.opblock').first().waitFor();
    assert.ok((await page.locator('.opblock').count()) > 50, 'every route is listed');
    assert.deepEqual(problems.cspViolations, []);
    await context.close();
  });

  test('at phone width the inbox shows the list, Enter opens the item and Back returns', async () => {
    const { page, context } = await openPage(browser, { width: 390, height: 844 });
    await signIn(page, server, `/inbox?productId=${productId}`);
    const list = page.getByRole('listbox', { name: 'Feedback to triage' });
    await list.waitFor();
    assert.equal(await page.locator('.detail').isVisible(), false, 'one pane at a time');
    await page.keyboard.press('Enter');
    await page.locator('.detail-text').waitFor();
    assert.equal(await list.isVisible(), false);
    await page.getByRole('button', { name: 'Back to the list' }).click();
    await list.waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
    await assertNoA11yProblems(page, 'inbox at phone width');
    await context.close();
  });

  test('portal feedback waits in the moderation queue: a approves it into the inbox, r rejects as spam', async () => {
    const portal = await server.api<{ id: string; slug: string }>('POST', '/api/v1/products', {
      name: 'Portal product',
      problem: 'takes feedback from the public',
      portalEnabled: true,
    });
    for (const text of ['Please support ARM64 images', 'BUY CHEAP WATCHES http://spam.example']) {
      const response = await fetch(`${server.url}/api/v1/portal/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ productId: portal.id, text }),
      });
      assert.equal(response.status, 202);
    }
    const { page, context } = await openPage(browser);
    await signIn(page, server, `/inbox?view=moderation&productId=${portal.id}`);
    const queue = page.getByRole('listbox', { name: 'Portal feedback waiting for moderation' });
    await queue.getByRole('option').first().waitFor();
    assert.equal(await queue.getByRole('option').count(), 2);
    // Newest first: the spam arrived last.
    assert.match(await page.locator('.detail-text').innerText(), /CHEAP WATCHES/);
    await page.keyboard.press('r');
    await page.locator('.detail-text', { hasText: 'ARM64' }).waitFor();
    await page.keyboard.press('a');
    await page.getByRole('heading', { name: 'Nothing waits for moderation' }).waitFor();

    const inbox = await server.api<{ items: Array<{ text: string }> }>(
      'GET',
      `/api/v1/feedback?status=new&productId=${portal.id}`,
    );
    assert.deepEqual(
      inbox.items.map((i) => i.text),
      ['Please support ARM64 images'],
    );
    const dismissed = await server.api<{ items: Array<{ text: string; dismissReason: string }> }>(
      'GET',
      `/api/v1/feedback?status=dismissed&productId=${portal.id}&moderation=rejected`,
    );
    assert.deepEqual(
      dismissed.items.map((i) => [i.text, i.dismissReason]),
      [['BUY CHEAP WATCHES http://spam.example', 'spam']],
    );
    await context.close();
  });
});
