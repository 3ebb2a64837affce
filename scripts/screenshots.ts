/**
 * `npm run screenshots`: every screen of the web app in light and dark, at 1280×800 (and the inbox at
 * phone width), into docs/screenshots/web-*.png, against a temporary server seeded through the API.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import {
  chromiumPath,
  ensureWebBuild,
  launchBrowser,
  openPage,
  signIn,
  startWebServer,
} from '../test/support/web.ts';
import { seedInbox } from '../test/support/web-seed.ts';

const out = join(dirname(fileURLToPath(import.meta.url)), '../docs/screenshots');

async function main(): Promise<void> {
  if (!chromiumPath()) throw new Error('Chromium not found: apt-get install -y chromium');
  ensureWebBuild();
  mkdirSync(out, { recursive: true });
  const server = await startWebServer();
  const fresh = await startWebServer({ users: false });
  const { browser, close } = await launchBrowser();
  try {
    const seeded = await seedInbox(server, 'demo', { productName: 'Etcher', tagTitles: false });
    await server.api('POST', `/api/v1/patterns/${seeded.patterns[0].id}/feedback`, {
      feedbackIds: [seeded.inbox[0].id, seeded.inbox[1].id],
    });
    for (const theme of ['light', 'dark'] as const) {
      const shot = async (page: Page, name: string) => {
        await page.waitForTimeout(150);
        await page.screenshot({ path: join(out, `web-${name}-${theme}.png`) });
      };
      const { page, context } = await openPage(browser, { colorScheme: theme });
      await page.goto(`${server.url}/sign-in`);
      await page.getByLabel('Email').waitFor();
      await shot(page, 'sign-in');
      await page.goto(`${fresh.url}/setup?token=${fresh.setupToken}`);
      await page.getByLabel('Name').waitFor();
      await shot(page, 'setup');

      await signIn(page, server, '/inbox');
      await page.getByRole('list', { name: 'Suggested patterns' }).waitFor();
      await page.mouse.move(0, 799);
      await shot(page, 'inbox');
      await page.keyboard.press('d');
      await page.getByRole('dialog').waitFor();
      await shot(page, 'inbox-dismiss');
      await page.keyboard.press('Escape');
      await page.keyboard.press('l');
      await page.getByRole('dialog').waitFor();
      await page.keyboard.type('dark');
      await shot(page, 'inbox-link');
      await page.keyboard.press('Escape');
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await shot(page, 'shortcuts');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+k');
      await page.getByRole('dialog', { name: 'Command palette' }).waitFor();
      await shot(page, 'palette');
      await page.keyboard.press('Escape');
      await page.goto(`${server.url}/patterns`);
      await page.getByRole('table').waitFor();
      await shot(page, 'patterns');
      await context.close();

      const phone = await openPage(browser, { colorScheme: theme, width: 390, height: 844 });
      await signIn(phone.page, server, '/inbox');
      await phone.page.getByRole('listbox').waitFor();
      await shot(phone.page, 'inbox-phone');
      await phone.page.keyboard.press('Enter');
      await phone.page.getByRole('list', { name: 'Suggested patterns' }).waitFor();
      await shot(phone.page, 'inbox-phone-item');
      await phone.context.close();
    }
  } finally {
    await close();
    await server.close();
    await fresh.close();
  }
  process.stdout.write(`screenshots written to ${out}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
