import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { interpretGithubEvent, verifyGithubSignature } from '../../src/integrations/github.ts';

// The package's entry point is a JSON file (api.github.com/index.json), so it is loaded
// with require rather than an ESM default import. It holds one definition per event
// name, each with real payloads GitHub sent ("examples"), for all of that event's actions.
const webhookExamples = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

function example(eventName: string, action: string): Record<string, unknown> {
  const definition = webhookExamples.find((d) => d.name === eventName);
  const payload = definition?.examples.find((e) => (e as { action?: string }).action === action);
  assert.ok(payload, `no ${eventName}.${action} example`);
  return structuredClone(payload) as unknown as Record<string, unknown>;
}

const secret = "It's a Secret to Everybody";
const body = Buffer.from('Hello, World!');
const sign = (key: string, raw: Buffer) => `sha256=${createHmac('sha256', key).update(raw).digest('hex')}`;

test('GitHub signature: the example from GitHub docs verifies', () => {
  // Test vector published in GitHub's "Validating webhook deliveries" guide.
  const header = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
  assert.equal(verifyGithubSignature(secret, body, header), true);
  assert.equal(verifyGithubSignature(secret, body, sign(secret, body)), true);
});

test('GitHub signature: wrong secret, tampered body, missing, wrong prefix and wrong length all fail', () => {
  const good = sign(secret, body);
  assert.equal(verifyGithubSignature('other secret', body, good), false);
  assert.equal(verifyGithubSignature(secret, Buffer.from('Hello, World?'), good), false);
  assert.equal(verifyGithubSignature(secret, body, undefined), false);
  assert.equal(verifyGithubSignature(secret, body, ''), false);
  assert.equal(verifyGithubSignature(secret, body, good.replace('sha256=', 'sha1=')), false);
  assert.equal(verifyGithubSignature(secret, body, good.slice(0, -2)), false);
  assert.equal(verifyGithubSignature(secret, body, `${good}00`), false);
  assert.equal(verifyGithubSignature(secret, body, `sha256=${'z'.repeat(64)}`), false);
});

test('issues.opened becomes feedback keyed by issue id with title and body', () => {
  const result = interpretGithubEvent('issues', 'delivery-1', example('issues', 'opened'));
  assert.deepEqual(result, {
    kind: 'feedback',
    item: {
      text: "Spelling error in the README file\n\nIt looks like you accidently spelled 'commit' with two 't's.",
      product: 'Codertocat/Hello-World',
      receivedAt: '2019-05-15T15:20:18Z',
      source: {
        channel: 'github',
        externalId: 'github:issue:444500041',
        url: 'https://github.com/Codertocat/Hello-World/issues/1',
      },
      contact: { name: 'Codertocat', email: null },
    },
  });
});

test('issues.edited maps onto the same external id as the opened issue, whatever the delivery', () => {
  const opened = interpretGithubEvent('issues', 'delivery-1', example('issues', 'opened'));
  const edited = interpretGithubEvent('issues', 'delivery-2', example('issues', 'edited'));
  assert.equal(edited.kind, 'feedback');
  assert.equal(opened.kind, 'feedback');
  if (edited.kind === 'feedback' && opened.kind === 'feedback') {
    assert.equal(edited.item.source.externalId, opened.item.source.externalId);
  }
});

test('issue_comment.created becomes feedback keyed by comment id with the comment URL', () => {
  const result = interpretGithubEvent('issue_comment', 'd', example('issue_comment', 'created'));
  assert.deepEqual(result, {
    kind: 'feedback',
    item: {
      text: "You are totally right! I'll get this fixed right away.",
      product: 'Codertocat/Hello-World',
      receivedAt: '2019-05-15T15:20:21Z',
      source: {
        channel: 'github',
        externalId: 'github:issue_comment:492700400',
        url: 'https://github.com/Codertocat/Hello-World/issues/1#issuecomment-492700400',
      },
      contact: { name: 'Codertocat', email: null },
    },
  });
  const edited = interpretGithubEvent('issue_comment', 'd', example('issue_comment', 'edited'));
  assert.equal(edited.kind === 'feedback' && edited.item.source.externalId, 'github:issue_comment:492700400');
});

test('comments on pull requests are review, not feedback, and are ignored', () => {
  const payload = example('issue_comment', 'created');
  (payload.issue as Record<string, unknown>).pull_request = {
    url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1',
  };
  const result = interpretGithubEvent('issue_comment', 'd', payload);
  assert.equal(result.kind, 'ignored');
  assert.match(result.kind === 'ignored' ? result.reason : '', /pull request/);
});

test('issues from bots are ignored', () => {
  const payload = example('issues', 'opened');
  (payload.sender as { type: string }).type = 'Bot';
  assert.equal(interpretGithubEvent('issues', 'd', payload).kind, 'ignored');
});

test('pull_request.closed without merge is ignored, with merge it is pull_request_merged', () => {
  const closed = example('pull_request', 'closed');
  assert.equal((closed.pull_request as { merged: boolean }).merged, false);
  const notMerged = interpretGithubEvent('pull_request', 'd', closed);
  assert.equal(notMerged.kind, 'ignored');

  // The octokit examples only contain an unmerged close; a merge differs by these two fields.
  const merged = example('pull_request', 'closed');
  Object.assign(merged.pull_request as object, { merged: true, merged_at: '2019-05-15T15:30:00Z' });
  assert.deepEqual(interpretGithubEvent('pull_request', 'd', merged), {
    kind: 'pull_request_merged',
    url: 'https://github.com/Codertocat/Hello-World/pull/2',
    repository: 'Codertocat/Hello-World',
    number: 2,
    mergedAt: '2019-05-15T15:30:00Z',
  });
});

test('release.published is interpreted with tag, name, date, url and body', () => {
  assert.deepEqual(interpretGithubEvent('release', 'd', example('release', 'published')), {
    kind: 'release_published',
    repository: 'Codertocat/Hello-World',
    tag: '0.0.1',
    name: null,
    publishedAt: '2019-05-15T15:20:53Z',
    url: 'https://github.com/Codertocat/Hello-World/releases/tag/0.0.1',
    body: null,
  });
});

test('other events and actions are ignored with a reason', () => {
  const star = interpretGithubEvent('star', 'abc-123', example('star', 'created'));
  assert.deepEqual(star, { kind: 'ignored', reason: 'event star is not handled (delivery abc-123)' });
  assert.equal(interpretGithubEvent('issues', 'd', example('issues', 'labeled')).kind, 'ignored');
  assert.equal(interpretGithubEvent('issues', 'd', { nonsense: true }).kind, 'ignored');
});
