import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';

interface Item {
  id: string;
  text: string;
  account: {
    name: string;
    arr: number | null;
    currency: string;
    arrBase: number | null;
    baseCurrency: string;
  } | null;
}

for (const target of databaseTargets()) {
  describe(`inbox filters on ${target.name}`, () => {
    let t: TestApp;
    const ids: Record<string, string> = {};
    const accounts: Record<string, string> = {};
    const inbox = async (query: string) => {
      const res = await t.call('viewer', 'GET', `/api/v1/feedback?status=new&${query}`);
      assert.equal(res.statusCode, 200, res.body);
      return (res.json().items as Item[]).map((i) => i.text).sort();
    };
    const post = async (path: string, body: unknown, as: 'builder' | 'admin' = 'builder') => {
      const res = await t.call(as, 'POST', path, body);
      assert.ok(res.statusCode < 300, res.body);
      return res.json();
    };
    const say = async (text: string, extra: Record<string, unknown>) => {
      ids[text] = (await post('/api/v1/feedback', { text, ...extra })).id;
    };

    before(async () => {
      t = await startTestApp(target);
      await say('big usd', {
        receivedAt: '2026-10-01T10:00:00Z',
        source: { channel: 'email' },
        contact: {
          email: 'a@big.test',
          account: 'Big',
          arr: 30_000_000,
          currency: 'USD',
          segment: 'Enterprise',
        },
      });
      await say('small eur', {
        receivedAt: '2026-10-05T10:00:00Z',
        source: { channel: 'portal' },
        contact: { email: 'b@small.test', account: 'Small', arr: 800_000, currency: 'EUR', segment: 'SMB' },
      });
      await say('yen account', {
        receivedAt: '2026-10-10T10:00:00Z',
        source: { channel: 'email' },
        contact: { email: 'c@yen.test', account: 'Yen', arr: 2_000_000, currency: 'JPY', segment: 'SMB' },
      });
      await say('anonymous', { receivedAt: '2026-10-15T10:00:00Z', source: { channel: 'github' } });
      await say('second from big', {
        receivedAt: '2026-10-20T10:00:00Z',
        contact: { email: 'a@big.test' },
      });
      for (const r of (await t.call('viewer', 'GET', '/api/v1/accounts')).json().items)
        accounts[r.name] = r.id;
    });
    after(() => t.close());

    test('channel, segment and received dates filter the inbox', async () => {
      assert.deepEqual(await inbox('channel=email'), ['big usd', 'yen account']);
      assert.deepEqual(await inbox('segment=SMB'), ['small eur', 'yen account']);
      assert.deepEqual(await inbox('receivedFrom=2026-10-05T10:00:00Z&receivedTo=2026-10-15T10:00:00Z'), [
        'small eur',
        'yen account',
      ]);
      assert.deepEqual(await inbox('channel=email&segment=Enterprise'), ['big usd']);
      assert.equal((await t.call('viewer', 'GET', '/api/v1/feedback?arrBand=huge')).statusCode, 400);
    });

    test('ARR bands are in the base currency, and unknown without a rate', async () => {
      // Only USD converts until an admin sets rates: 300,000 USD is the 250k-1M band.
      assert.deepEqual(await inbox('arrBand=250k_1m'), ['big usd', 'second from big']);
      assert.deepEqual(await inbox('arrBand=unknown'), ['anonymous', 'small eur', 'yen account']);
      const items = (await t.call('viewer', 'GET', '/api/v1/feedback?status=new')).json().items as Item[];
      const eur = items.find((i) => i.text === 'small eur') as Item;
      assert.deepEqual(
        { arr: eur.account?.arr, currency: eur.account?.currency, arrBase: eur.account?.arrBase },
        { arr: 800_000, currency: 'EUR', arrBase: null },
      );
    });

    test('an admin sets rates; bands and base amounts follow at once, the original amount stays', async () => {
      const denied = await t.call('builder', 'PUT', '/api/v1/settings/currency', {
        baseCurrency: 'USD',
        rates: {},
      });
      assert.equal(denied.statusCode, 403);
      const set = await t.call('admin', 'PUT', '/api/v1/settings/currency', {
        baseCurrency: 'USD',
        rates: { EUR: 1.5, JPY: 0.01 },
      });
      assert.equal(set.statusCode, 200, set.body);
      assert.deepEqual(set.json().rates, [
        { currency: 'EUR', rate: 1.5 },
        { currency: 'JPY', rate: 0.01 },
      ]);
      // 8,000 EUR = 12,000 USD; 2,000,000 JPY = 20,000 USD.
      assert.deepEqual(await inbox('arrBand=10k_50k'), ['small eur', 'yen account']);
      assert.deepEqual(await inbox('arrBand=unknown'), ['anonymous']);
      const items = (await t.call('viewer', 'GET', '/api/v1/feedback?status=new')).json().items as Item[];
      const yen = items.find((i) => i.text === 'yen account') as Item;
      assert.deepEqual(yen.account, {
        ...yen.account,
        arr: 2_000_000,
        currency: 'JPY',
        arrBase: 2_000_000,
        baseCurrency: 'USD',
      });
      const read = (await t.call('viewer', 'GET', '/api/v1/settings/currency')).json();
      assert.equal(read.baseCurrency, 'USD');
      assert.equal(read.bands[0].band, 'under_10k');

      // A new base currency re-bands everything: 300,000 USD at 1.5 USD per EUR is 200,000 EUR.
      await t.call('admin', 'PUT', '/api/v1/settings/currency', {
        baseCurrency: 'EUR',
        rates: { USD: 1 / 1.5 },
      });
      assert.deepEqual(await inbox('arrBand=50k_250k'), ['big usd', 'second from big']);
      assert.deepEqual(await inbox('arrBand=unknown'), ['anonymous', 'yen account']);
      await t.call('admin', 'PUT', '/api/v1/settings/currency', { baseCurrency: 'USD', rates: {} });
    });

    test("an account's ARR or segment and a contact's account are copied to its feedback in the same change", async () => {
      await t.call('builder', 'PATCH', `/api/v1/accounts/${accounts.Big}`, {
        arr: 200_000_000,
        segment: 'Strategic',
      });
      assert.deepEqual(await inbox('arrBand=over_1m'), ['big usd', 'second from big']);
      assert.deepEqual(await inbox('segment=Strategic'), ['big usd', 'second from big']);
      const contacts = (await t.call('viewer', 'GET', '/api/v1/contacts')).json().items as Array<{
        id: string;
        email: string;
      }>;
      const yenContact = contacts.find((c) => c.email === 'c@yen.test') as { id: string };
      await t.call('builder', 'PATCH', `/api/v1/contacts/${yenContact.id}`, { accountId: accounts.Big });
      assert.deepEqual(await inbox('segment=Strategic'), ['big usd', 'second from big', 'yen account']);
      // Feedback naming the contact again moves them back, through the ingest path.
      await say('back to yen', { contact: { email: 'c@yen.test', account: 'Yen' } });
      assert.deepEqual(await inbox('segment=SMB'), ['back to yen', 'small eur', 'yen account']);
      assert.equal((await t.call('builder', 'DELETE', `/api/v1/contacts/${yenContact.id}`)).statusCode, 204);
      assert.deepEqual(await inbox('segment=SMB'), ['small eur']);
      assert.equal((await t.call('builder', 'DELETE', `/api/v1/accounts/${accounts.Small}`)).statusCode, 204);
      assert.deepEqual(await inbox('segment=SMB'), []);
      assert.deepEqual(await inbox('arrBand=unknown'), [
        'anonymous',
        'back to yen',
        'small eur',
        'yen account',
      ]);
    });

    test("q finds the inbox's items by words through the search index, with the other filters", async () => {
      assert.deepEqual(await inbox('q=second'), ['second from big']);
      assert.deepEqual(await inbox('q=big'), ['big usd', 'second from big']);
      assert.deepEqual(await inbox('q=big&channel=email'), ['big usd']);
      assert.deepEqual(await inbox('q=nothing%20like%20this'), []);
      // Not a substring match any more: words.
      assert.deepEqual(await inbox('q=econ'), []);
    });

    test("a contact's other feedback is listed newest first", async () => {
      const contacts = (await t.call('viewer', 'GET', '/api/v1/contacts')).json().items as Array<{
        id: string;
        email: string;
      }>;
      const big = contacts.find((c) => c.email === 'a@big.test') as { id: string };
      const items = (await t.call('viewer', 'GET', `/api/v1/feedback?contactId=${big.id}`)).json()
        .items as Item[];
      assert.deepEqual(
        items.map((i) => i.text),
        ['second from big', 'big usd'],
      );
    });

    test('has-suggestion filters on what the engine wrote', async () => {
      await t.store.db
        .updateTable('feedback')
        .set({ has_suggestion: 1 })
        .where('id', '=', ids.anonymous)
        .execute();
      assert.deepEqual(await inbox('hasSuggestion=true'), ['anonymous']);
      assert.ok(!(await inbox('hasSuggestion=false')).includes('anonymous'));
    });
  });
}
