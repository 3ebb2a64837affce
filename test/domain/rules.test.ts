import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Actor, authorize, SYSTEM_ACTOR } from '../../src/domain/authorization.ts';
import { mentionsIn } from '../../src/domain/comment.ts';
import { slugify } from '../../src/domain/common.ts';
import { AppError } from '../../src/domain/errors.ts';
import { feedbackTextKey, normaliseFeedbackText } from '../../src/domain/feedback.ts';
import { ID_PATTERN, newId } from '../../src/domain/ids.ts';
import { linkKindOf } from '../../src/domain/improvement.ts';
import {
  assertTransition,
  FEEDBACK_TRANSITIONS,
  IMPROVEMENT_STATUSES,
  IMPROVEMENT_TRANSITIONS,
  PATTERN_STATUSES,
  PATTERN_TRANSITIONS,
} from '../../src/domain/lifecycles.ts';
import { renderMarkdown } from '../../src/domain/markdown.ts';

describe('status lifecycles', () => {
  test('an improvement moves forward through design, build and deploy', () => {
    assert.doesNotThrow(() =>
      assertTransition('improvement', IMPROVEMENT_TRANSITIONS, 'proposed', 'designing'),
    );
    assert.doesNotThrow(() =>
      assertTransition('improvement', IMPROVEMENT_TRANSITIONS, 'designing', 'building'),
    );
    assert.doesNotThrow(() =>
      assertTransition('improvement', IMPROVEMENT_TRANSITIONS, 'building', 'deployed'),
    );
    assert.doesNotThrow(() =>
      assertTransition('improvement', IMPROVEMENT_TRANSITIONS, 'deployed', 'verified'),
    );
  });

  test('an illegal move is a conflict that names the allowed next states', () => {
    try {
      assertTransition('improvement', IMPROVEMENT_TRANSITIONS, 'proposed', 'deployed');
      assert.fail('expected a conflict');
    } catch (error) {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'conflict');
      assert.match(error.message, /allowed next: designing, abandoned/);
      assert.deepEqual(error.details?.allowed, ['designing', 'abandoned']);
    }
  });

  test('a resolved pattern can only come back as recurring or be re-confirmed', () => {
    assert.deepEqual([...PATTERN_TRANSITIONS.resolved], ['recurring', 'confirmed']);
    assert.throws(
      () => assertTransition('pattern', PATTERN_TRANSITIONS, 'emerging', 'recurring'),
      /allowed next/,
    );
  });

  test('staying in the same status is not a move', () => {
    assert.doesNotThrow(() => assertTransition('feedback', FEEDBACK_TRANSITIONS, 'dismissed', 'dismissed'));
  });

  test('every status has an entry in its transition table and every target is a known status', () => {
    for (const [table, statuses] of [
      [IMPROVEMENT_TRANSITIONS, IMPROVEMENT_STATUSES],
      [PATTERN_TRANSITIONS, PATTERN_STATUSES],
    ] as const) {
      for (const status of statuses) {
        const next: readonly string[] = (table as Record<string, readonly string[]>)[status];
        assert.ok(next, `${status} has an entry`);
        for (const to of next) assert.ok((statuses as readonly string[]).includes(to), `${to} is a status`);
      }
    }
  });
});

describe('authorisation', () => {
  const viewer: Actor = { kind: 'user', userId: 'u1', role: 'viewer', name: 'v' };
  const builder: Actor = { kind: 'user', userId: 'u2', role: 'builder', name: 'b' };

  test('no actor is unauthenticated', () => {
    assert.throws(
      () => authorize(null, 'loop:read'),
      (e: unknown) => e instanceof AppError && e.code === 'unauthenticated',
    );
  });
  test('a viewer reads but does not write', () => {
    assert.doesNotThrow(() => authorize(viewer, 'loop:read'));
    assert.throws(
      () => authorize(viewer, 'loop:write'),
      (e: unknown) => e instanceof AppError && e.code === 'forbidden',
    );
  });
  test('a builder writes loop objects but does not manage users', () => {
    assert.doesNotThrow(() => authorize(builder, 'loop:write'));
    assert.throws(() => authorize(builder, 'users:manage'), /may not users manage/);
  });
  test('the CLI acts as an admin of its own database', () => {
    assert.doesNotThrow(() => authorize(SYSTEM_ACTOR, 'users:manage'));
  });
});

describe('values', () => {
  test('ids are 26 lowercase base32 characters and sort in creation order', () => {
    const ids = Array.from({ length: 500 }, () => newId());
    for (const id of ids) assert.match(id, ID_PATTERN);
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });

  test('slugs are made from names', () => {
    assert.equal(slugify('Etcher Pro!'), 'etcher-pro');
    assert.equal(slugify('  Ça va — Über  '), 'ca-va-uber');
    assert.equal(slugify('!!!'), 'product');
  });

  test('feedback text is normalised before duplicate detection', () => {
    assert.equal(normaliseFeedbackText('  Flashing   FAILS!! '), 'flashing fails');
    assert.equal(feedbackTextKey('Flashing fails.'), feedbackTextKey('flashing   fails'));
    assert.notEqual(feedbackTextKey('flashing fails'), feedbackTextKey('flashing works'));
  });

  test('implementation links are classified as pull requests or issues', () => {
    assert.equal(linkKindOf('https://github.com/balena-io/etcher/pull/42'), 'pull_request');
    assert.equal(linkKindOf('https://github.com/balena-io/etcher/issues/7'), 'issue');
  });

  test('markdown is rendered and scripts, handlers and javascript links are removed', () => {
    const html = renderMarkdown(
      '**bold** <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))',
    );
    assert.match(html, /<strong>bold<\/strong>/);
    assert.doesNotMatch(html, /script|onerror|javascript:/);
  });

  test('mentions are the emails after an @', () => {
    assert.deepEqual(mentionsIn('cc @Ana@acme.test and @bo@x.io, twice @ana@acme.test'), [
      'ana@acme.test',
      'bo@x.io',
    ]);
  });
});
