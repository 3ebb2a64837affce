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

interface Item {
  id: string;
  status: string;
  dismissReason: string | null;
  patternIds: string[];
  productId: string | null;
  surface: string | null;
}

/** The id of the item under the cursor, read from the listbox's active descendant. */
async function cursorId(page: Page): Promise<string> {
  const active = await page.getByRole('listbox').getAttribute('aria-activedescendant');
  assert.ok(active, 'the listbox has an active row');
  return active.replace('inbox-row-', '');
}

/** How many items the list holds (the toolbar's count: rows off screen are not in the DOM). */
async function rowCount(page: Page): Promise<number> {
  const text = await page.locator('.toolbar-status').innerText();
  return /^(\d+) items?$/.exec(text.trim()) ? Number.parseInt(text, 10) : Number.NaN;
}

/** Waits until the server agrees with what the screen showed at once (the optimistic write landed). */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('keyboard triage in the inbox (Chromium)', { skip }, () => {
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

  const item = (id: string) => server.api<Item>('GET', `/api/v1/feedback/${id}`);

  test('twenty items are triaged by keyboard alone: 1 links the top suggestion, d dismisses, u undoes', async () => {
    const seeded = await seedInbox(server, 'kbd');
    const { page, context, problems } = await openPage(browser);
    await signIn(page, server, `/inbox?productId=${seeded.productId}`);
    await page.getByRole('listbox', { name: 'Feedback to triage' }).waitFor();
    assert.equal(await rowCount(page), 20);

    const expected = new Map<string, { status: string; patternId?: string; reason?: string }>();
    for (let step = 0; step < 20; step++) {
      const id = await cursorId(page);
      if (step % 4 === 3) {
        await page.keyboard.press('d');
        await page.getByRole('dialog', { name: 'Dismiss this item' }).waitFor();
        await page.keyboard.press('1');
        expected.set(id, { status: 'dismissed', reason: 'spam' });
      } else {
        const first = page.getByRole('list', { name: 'Suggested patterns' }).getByRole('button').first();
        await first.waitFor();
        const title = (await first.locator('.suggestion-title').innerText()).trim();
        const pattern = seeded.patterns.find((p) => p.title === title);
        assert.ok(pattern, `the first suggestion "${title}" is one of the seeded patterns`);
        await page.keyboard.press('1');
        expected.set(id, { status: 'linked', patternId: pattern.id });
      }
      // The item leaves the list at once and the next one opens.
      await page.locator(`#inbox-row-${id}`).waitFor({ state: 'detached' });
      if (step < 19) assert.notEqual(await cursorId(page), id, 'the next item opened');
    }
    await page.getByRole('heading', { name: 'Inbox zero' }).waitFor();

    // u brings the last one back, and it can be triaged again.
    const last = [...expected.keys()].at(-1)!;
    await page.keyboard.press('u');
    await page.locator(`#inbox-row-${last}`).waitFor();
    await eventually(
      () => item(last),
      (i) => i.status === 'new',
      'the undo to reach the server',
    );
    await page.keyboard.press('d');
    await page.getByRole('dialog', { name: 'Dismiss this item' }).waitFor();
    await page.keyboard.press('2');
    expected.set(last, { status: 'dismissed', reason: 'not_actionable' });
    await page.getByRole('heading', { name: 'Inbox zero' }).waitFor();

    for (const [id, want] of expected) {
      const got = await eventually(
        () => item(id),
        (i) => i.status === want.status,
        `item ${id} to be ${want.status}`,
      );
      if (want.patternId) assert.deepEqual(got.patternIds, [want.patternId]);
      if (want.reason) assert.equal(got.dismissReason, want.reason);
    }
    const linked = [...expected.values()].filter((e) => e.status === 'linked').length;
    assert.equal(linked, 15);
    assert.deepEqual(problems, { cspViolations: [], errors: [] });
    await context.close();
  });

  test('a selection made with x is dismissed in bulk after one confirmation naming the count and the effect', async () => {
    const seeded = await seedInbox(server, 'bulk');
    const { page, context } = await openPage(browser);
    await signIn(page, server, `/inbox?productId=${seeded.productId}`);
    await page.getByRole('listbox').waitFor();
    await page.keyboard.press('j');
    const chosen: string[] = [];
    for (let n = 0; n < 3; n++) {
      chosen.push(await cursorId(page));
      await page.keyboard.press('x');
    }
    await page.getByText('3 selected').waitFor();
    await page.keyboard.press('d');
    await page.getByRole('dialog', { name: 'Dismiss 3 items' }).waitFor();
    await page.keyboard.press('1');
    const confirm = page.getByRole('dialog', { name: 'Dismiss 3 items?' });
    await confirm.waitFor();
    assert.match(await confirm.innerText(), /3 items will leave the inbox, dismissed as spam/);
    await page.keyboard.press('Enter');
    for (const id of chosen) await page.locator(`#inbox-row-${id}`).waitFor({ state: 'detached' });
    assert.equal(await rowCount(page), 17);
    for (const id of chosen) {
      await eventually(
        () => item(id),
        (i) => i.status === 'dismissed' && i.dismissReason === 'spam',
        'bulk dismissal',
      );
    }
    await context.close();
  });

  test('l links through the pattern picker, which also creates a new pattern; p sets product and surface', async () => {
    const seeded = await seedInbox(server, 'pick');
    const { page, context } = await openPage(browser);
    await signIn(page, server, `/inbox?productId=${seeded.productId}`);
    await page.getByRole('listbox').waitFor();

    const first = await cursorId(page);
    await page.keyboard.press('p');
    await page.getByRole('dialog', { name: 'Set product and surface' }).waitFor();
    await page.keyboard.type('pick · cli');
    await page.keyboard.press('Enter');
    await page.locator(`#inbox-row-${first}`).getByText('cli').waitFor();
    await eventually(
      () => item(first),
      (i) => i.surface === 'cli' && i.productId === seeded.productId,
      'surface set',
    );
    assert.notEqual(await cursorId(page), first, 'the next item opened');

    const second = await cursorId(page);
    await page.keyboard.press('l');
    await page.getByRole('dialog', { name: 'Link to a pattern' }).waitFor();
    await page.keyboard.type('Export the device list to CSV (pick)');
    await page.keyboard.press('Enter');
    await page.locator(`#inbox-row-${second}`).waitFor({ state: 'detached' });
    const csv = seeded.patterns[2];
    await eventually(
      () => item(second),
      (i) => i.patternIds.includes(csv.id),
      'linked through the picker',
    );

    const third = await cursorId(page);
    await page.keyboard.press('l');
    await page.getByRole('dialog', { name: 'Link to a pattern' }).waitFor();
    await page.keyboard.type('A need nobody has named yet');
    await page.getByRole('option', { name: /Create pattern/ }).click();
    await page.locator(`#inbox-row-${third}`).waitFor({ state: 'detached' });
    const linked = await eventually(
      () => item(third),
      (i) => i.status === 'linked',
      'a new pattern',
    );
    const pattern = await server.api<{ title: string }>('GET', `/api/v1/patterns/${linked.patternIds[0]}`);
    assert.equal(pattern.title, 'A need nobody has named yet');
    await context.close();
  });

  test('/ searches the inbox by a word in the text, and the filter is kept in the URL', async () => {
    const seeded = await seedInbox(server, 'find');
    const { page, context } = await openPage(browser);
    await signIn(page, server, `/inbox?productId=${seeded.productId}`);
    await page.getByRole('listbox').waitFor();
    await page.keyboard.press('/');
    await page.keyboard.type('audits');
    await page.waitForURL(/q=audits/);
    await eventually(
      () => rowCount(page),
      (n) => n === 1,
      'one match',
    );
    const rows = page.getByRole('listbox', { name: 'Feedback to triage' }).getByRole('option');
    assert.match(await rows.innerText(), /Device list CSV download would help our audits/);

    // The same view opens from the URL alone.
    await page.goto(page.url());
    await rows.waitFor();
    assert.equal(await rowCount(page), 1);
    await context.close();
  });

  test('the channel filter and the more-filters row live in the URL', async () => {
    const seeded = await seedInbox(server, 'filters');
    const { page, context } = await openPage(browser);
    await signIn(page, server, `/inbox?productId=${seeded.productId}&channel=github`);
    await page.getByRole('listbox').waitFor();
    await eventually(
      () => rowCount(page),
      (n) => n === 10,
      'half the items came by GitHub',
    );
    await page.getByLabel('Channel').selectOption('email');
    await page.waitForURL(/channel=email/);
    await eventually(
      () => rowCount(page),
      (n) => n === 10,
      'the other half by email',
    );
    await page.getByLabel('Channel').selectOption('');
    await eventually(
      () => rowCount(page),
      (n) => n === 20,
      'all of them',
    );
    await context.close();
  });

  test('the command palette (Ctrl+K) finds feedback by a word and runs the screen’s actions', async () => {
    const seeded = await seedInbox(server, 'palette');
    const { page, context } = await openPage(browser);
    await signIn(page, server, `/inbox?productId=${seeded.productId}`);
    await page.getByRole('listbox').waitFor();
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor();
    await page.keyboard.type('blinding');
    await palette
      .getByRole('option', { name: /the settings page is blinding/ })
      .first()
      .waitFor();
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+k');
    await page.keyboard.type('keyboard shortcuts');
    await page.keyboard.press('Enter');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    const text = await sheet.innerText();
    for (const title of [
      'Link to suggestion 1',
      'Dismiss with a reason…',
      'Undo the last action',
      'Go to Patterns',
    ]) {
      assert.ok(text.includes(title), `the sheet lists "${title}"`);
    }
    await page.keyboard.press('Escape');
    await page.keyboard.press('g');
    await page.keyboard.press('p');
    await page.waitForURL(/\/patterns/);
    await page.keyboard.press('g');
    await page.keyboard.press('i');
    await page.waitForURL(/\/inbox/);
    await context.close();
  });
});
