import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { allFeedback } from './helpers.ts';

// GitHub's own example deliveries (the package's entry point is a JSON file, hence require).
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

function example(event: string, action: string | undefined): Record<string, unknown> {
  const payload = definitions
    .find((d) => d.name === event)
    ?.examples.find((e) => (e as { action?: string }).action === action);
  assert.ok(payload, `no ${event}.${action} example`);
  return structuredClone(payload) as unknown as Record<string, unknown>;
}

const SECRET = 'a test secret for GitHub webhooks';
const sign = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function deliver(
  app: FastifyInstance,
  event: string,
  payload: unknown,
  options: { delivery?: string; secret?: string | null } = {},
): Promise<LightMyRequestResponse> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': options.delivery ?? `d-${Math.random()}`,
  };
  if (options.secret !== null) headers['x-hub-signature-256'] = sign(options.secret ?? SECRET, body);
  return app.inject({ method: 'POST', url: '/api/v1/webhooks/github', headers, payload: body });
}

for (const target of databaseTargets()) {
  describe(`the GitHub webhook on ${target.name}`, () => {
    let t: TestApp;
    let app: FastifyInstance;
    let productId: string;
    before(async () => {
      t = await startTestApp(target);
      app = await buildApp(t.deps, {
        publicUrl: 'http://127.0.0.1:3000',
        logger: false,
        githubWebhookSecret: SECRET,
      });
      const product = await t.call('builder', 'POST', '/api/v1/products', {
        name: 'Hello World',
        problem: 'say hello',
        repository: 'Codertocat/Hello-World',
      });
      assert.equal(product.statusCode, 201);
      assert.equal(product.json().repository, 'codertocat/hello-world');
      productId = product.json().id;
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    test('without GITHUB_WEBHOOK_SECRET the route answers 404 in the standard error shape', async () => {
      const res = await deliver(t.app, 'issues', example('issues', 'opened'));
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'not_found');
    });

    test('a missing or wrong signature is 401 and stores nothing', async () => {
      assert.equal(
        (await deliver(app, 'issues', example('issues', 'opened'), { secret: null })).statusCode,
        401,
      );
      const wrong = await deliver(app, 'issues', example('issues', 'opened'), { secret: 'not the secret' });
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.json().error.code, 'unauthenticated');
      assert.equal((await allFeedback(t)).length, 0);
    });

    test('an opened issue becomes feedback on the mapped product, and the same delivery twice is one item', async () => {
      const first = await deliver(app, 'issues', example('issues', 'opened'), { delivery: 'delivery-1' });
      assert.equal(first.statusCode, 201);
      assert.equal(first.json().outcome, 'created');
      const again = await deliver(app, 'issues', example('issues', 'opened'), { delivery: 'delivery-1' });
      assert.equal(again.statusCode, 200);
      assert.deepEqual(again.json(), { outcome: 'existing', feedbackId: first.json().feedbackId });
      const items = (await allFeedback(t)).filter((f) => f.source.channel === 'github');
      assert.equal(items.length, 1);
      assert.equal(items[0].productId, productId);
      assert.equal(items[0].source.url, 'https://github.com/Codertocat/Hello-World/issues/1');
      assert.match(items[0].text, /^Spelling error in the README file\n\n/);
    });

    test('an edited issue updates the text of the item for that issue', async () => {
      const edited = example('issues', 'edited') as { issue: { body: string } };
      edited.issue.body = 'It looks like you spelled "commit" with two t\'s, twice.';
      const res = await deliver(app, 'issues', edited);
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().outcome, 'updated');
      const item = (await t.call('viewer', 'GET', `/api/v1/feedback/${res.json().feedbackId}`)).json();
      assert.equal(
        item.text,
        'Spelling error in the README file\n\nIt looks like you spelled "commit" with two t\'s, twice.',
      );
      assert.equal((await allFeedback(t)).filter((f) => f.source.channel === 'github').length, 1);
    });

    test('an issue comment becomes its own feedback item', async () => {
      const res = await deliver(app, 'issue_comment', example('issue_comment', 'created'));
      assert.equal(res.statusCode, 201);
      assert.equal((await allFeedback(t)).filter((f) => f.source.channel === 'github').length, 2);
    });

    test('events it does not handle are acknowledged with 202 and a reason', async () => {
      const star = await deliver(app, 'star', example('star', 'created'));
      assert.equal(star.statusCode, 202);
      assert.match(star.json().ignored, /event star is not handled/);
      const labeled = await deliver(app, 'issues', example('issues', 'labeled'));
      assert.equal(labeled.statusCode, 202);
      assert.match(labeled.json().ignored, /issues\.labeled is not feedback/);
    });

    test('a merged pull request marks the implementation links with its URL as merged', async () => {
      const improvement = (
        await t.call('builder', 'POST', '/api/v1/improvements', { title: 'Fix README spelling', productId })
      ).json();
      const url = 'https://github.com/Codertocat/Hello-World/pull/2';
      await t.call('builder', 'PATCH', `/api/v1/improvements/${improvement.id}`, {
        links: [{ url }, { url: 'https://github.com/Codertocat/Hello-World/pull/3' }],
      });
      const closedUnmerged = await deliver(app, 'pull_request', example('pull_request', 'closed'));
      assert.equal(closedUnmerged.statusCode, 202);
      // GitHub's examples of `closed` are unmerged; this is the same payload as GitHub sends on a merge.
      const merged = example('pull_request', 'closed') as {
        pull_request: { merged: boolean; merged_at: string };
      };
      merged.pull_request.merged = true;
      merged.pull_request.merged_at = '2019-05-15T15:20:56Z';
      const res = await deliver(app, 'pull_request', merged);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { outcome: 'merged', links: 1 });
      const links = (await t.call('viewer', 'GET', `/api/v1/improvements/${improvement.id}`)).json().links;
      assert.deepEqual(
        links.map((l: { url: string; state: string }) => [l.url, l.state]),
        [
          [url, 'merged'],
          ['https://github.com/Codertocat/Hello-World/pull/3', 'open'],
        ],
      );
    });

    test('a published release records one deploy of the mapped product with the tag as version', async () => {
      const building = async (title: string, prState: 'merged' | 'open') => {
        const made = (await t.call('builder', 'POST', '/api/v1/improvements', { title, productId })).json();
        await t.call('builder', 'PATCH', `/api/v1/improvements/${made.id}`, { status: 'designing' });
        const pr = `https://github.com/Codertocat/Hello-World/pull/${title.length}`;
        await t.call('builder', 'PATCH', `/api/v1/improvements/${made.id}`, {
          status: 'building',
          links: [{ url: pr, state: prState }],
        });
        return made.id as string;
      };
      const ready = await building('Ready to ship', 'merged');
      const unfinished = await building('Still under review', 'open');
      const first = await deliver(app, 'release', example('release', 'published'));
      assert.equal(first.statusCode, 201);
      assert.equal(first.json().outcome, 'deployed');
      const shipped = (await t.call('viewer', 'GET', `/api/v1/deploys/${first.json().deployId}`)).json();
      assert.deepEqual(
        shipped.improvementIds,
        [ready],
        'only the improvement whose pull requests are merged ships',
      );
      assert.equal(
        (await t.call('viewer', 'GET', `/api/v1/improvements/${ready}`)).json().status,
        'deployed',
      );
      assert.equal(
        (await t.call('viewer', 'GET', `/api/v1/improvements/${unfinished}`)).json().status,
        'building',
      );
      const again = await deliver(app, 'release', example('release', 'published'));
      assert.deepEqual(again.json(), { outcome: 'already_deployed', deployId: first.json().deployId });
      const deploys = (await t.call('viewer', 'GET', `/api/v1/deploys?productId=${productId}`)).json().items;
      assert.equal(deploys.length, 1);
      assert.equal(deploys[0].version, '0.0.1');
      assert.equal(deploys[0].deployedAt, '2019-05-15T15:20:53.000Z');
    });

    test('a release from a repository no product is mapped to is ignored', async () => {
      const release = example('release', 'published') as { repository: { full_name: string } };
      release.repository.full_name = 'someone/else';
      const res = await deliver(app, 'release', release);
      assert.equal(res.statusCode, 202);
      assert.match(res.json().ignored, /no product is mapped to repository someone\/else/);
    });
  });
}
