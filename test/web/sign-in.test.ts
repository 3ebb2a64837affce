import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  browserSkipReason,
  ensureWebBuild,
  launchBrowser,
  openPage,
  PASSWORD,
  signIn,
  startWebServer,
  type WebServer,
} from '../support/web.ts';

const skip = browserSkipReason();

describe('signing in and out of the web app (Chromium)', { skip }, () => {
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

  test('a signed-out visit to a screen asks to sign in, then returns to that screen', async () => {
    const { page, context, problems } = await openPage(browser);
    await page.goto(`${server.url}/patterns`);
    await page.waitForURL(/\/sign-in\?redirect=/);
    await page.getByLabel('Email').fill(server.admin.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/patterns$/);
    await page.getByRole('heading', { name: 'Patterns' }).waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'productos_session');
    assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
    assert.deepEqual(problems, { cspViolations: [], errors: [] });
    await context.close();
  });

  test('a wrong password is refused with the server’s message and no sign-in', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('Email').fill(server.admin.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /email or password/i);
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    await context.close();
  });

  test('the who-am-I menu names the person and their role, switches the theme and signs out', async () => {
    const { page, context } = await openPage(browser);
    await signIn(page, server);
    await page.getByRole('button', { name: `Account menu for ${server.admin.name}` }).click();
    const menu = page.getByRole('menu');
    await menu.waitFor();
    const text = await menu.innerText();
    assert.match(text, /Ana Builder/);
    assert.match(text, /ana@example\.test/);
    assert.match(text, /admin/);
    await page.getByRole('menuitemradio', { name: 'Dark' }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    // The stored choice is applied by /theme.js before the first paint of the next load.
    await page.reload();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    assert.equal(background, 'rgb(22, 23, 27)');

    await page.getByRole('button', { name: `Account menu for ${server.admin.name}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    assert.equal(me, 401, 'the session ended on the server too');
    await context.close();
  });

  test('the first-run setup link creates the first admin and signs them in', async () => {
    const fresh = await startWebServer({ users: false });
    try {
      assert.ok(fresh.setupToken);
      const { page, context, problems } = await openPage(browser);
      await page.goto(`${fresh.url}/setup?token=${fresh.setupToken}`);
      await page.getByLabel('Name').fill('Bo Admin');
      await page.getByLabel('Email').fill('bo@example.test');
      await page.getByLabel('Password (10 characters or more)').fill('a long enough password');
      await page.getByRole('button', { name: 'Create admin and sign in' }).click();
      await page.waitForURL(/\/inbox/);
      await page.getByRole('button', { name: 'Account menu for Bo Admin' }).waitFor();
      assert.deepEqual(problems.cspViolations, []);

      // The link works once.
      const again = await openPage(browser);
      await again.page.goto(`${fresh.url}/setup?token=${fresh.setupToken}`);
      await again.page.getByLabel('Name').fill('Mallory');
      await again.page.getByLabel('Email').fill('mallory@example.test');
      await again.page.getByLabel('Password (10 characters or more)').fill('another long password');
      await again.page.getByRole('button', { name: 'Create admin and sign in' }).click();
      await again.page.getByRole('alert').waitFor();
      assert.equal(new URL(again.page.url()).pathname, '/setup');
      await again.context.close();
      await context.close();
    } finally {
      await fresh.close();
    }
  });
});
