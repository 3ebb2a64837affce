import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';

interface Evidence {
  metric: string;
  value: number;
  items: Array<{ type: string; id: string; url: string }>;
  note?: string;
}

for (const target of databaseTargets()) {
  describe(`levels from evidence on ${target.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
    });
    after(() => t.close());
    const profile = async () => {
      const res = await t.call('viewer', 'GET', `/api/v1/builders/${t.users.builder.id}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const metric = (p: { evidence: Evidence[] }, name: string) =>
      p.evidence.find((e) => e.metric === name) as Evidence;

    test('the default rubric ships as a ladder of five levels over known metrics', async () => {
      const rubric = (await t.call('viewer', 'GET', '/api/v1/levels')).json();
      assert.deepEqual(
        rubric.levels.map((l: { name: string }) => l.name),
        ['Contributor', 'Builder', 'Senior Builder', 'Principal Builder', 'Distinguished Builder'],
      );
      assert.deepEqual(rubric.levels[1].criteria, [
        { metric: 'patterns_identified', min: 2 },
        { metric: 'improvements_shipped', min: 1 },
      ]);
      assert.ok(rubric.metrics.cross_product_patterns);
    });

    test('a rubric with an unknown criterion is rejected with the list of known ones, and only admins edit it', async () => {
      const levels = [{ name: 'Guru', rank: 1, criteria: [{ metric: 'lines_of_code', min: 10_000 }] }];
      const res = await t.call('admin', 'PUT', '/api/v1/levels', { levels });
      assert.equal(res.statusCode, 400);
      assert.match(res.json().error.message, /unknown metric lines_of_code/);
      assert.deepEqual(res.json().error.details.knownMetrics, [
        'patterns_identified',
        'improvements_decided',
        'improvements_shipped',
        'improvements_verified',
        'cross_product_patterns',
        'kudos_received',
        'others_helped',
        'predictions_held',
      ]);
      assert.equal(
        (await t.call('builder', 'PUT', '/api/v1/levels', { levels: [{ name: 'x', rank: 1, criteria: [] }] }))
          .statusCode,
        403,
      );
      const twice = await t.call('admin', 'PUT', '/api/v1/levels', {
        levels: [
          { name: 'a', rank: 1, criteria: [] },
          { name: 'b', rank: 1, criteria: [] },
        ],
      });
      assert.equal(twice.statusCode, 400);
      assert.equal((await t.call('viewer', 'GET', '/api/v1/levels')).json().levels.length, 5);
    });

    test('a new builder is a Contributor and is told what is missing for the next level', async () => {
      const p = await profile();
      assert.equal(p.level.name, 'Contributor');
      assert.equal(p.nextLevel.name, 'Builder');
      assert.deepEqual(p.missingForNext, [
        { metric: 'patterns_identified', have: 0, need: 2, short: 2 },
        { metric: 'improvements_shipped', have: 0, need: 1, short: 1 },
      ]);
      assert.equal(metric(p, 'predictions_held').value, 0);
      assert.equal(metric(p, 'predictions_held').note, undefined, 'no prediction made, so none is pending');
    });

    test('work in the graph raises the level, with evidence linking to the items and commercial and technical context', async () => {
      const one = (await t.call('builder', 'POST', '/api/v1/products', { name: 'One', problem: 'x' })).json();
      const two = (await t.call('builder', 'POST', '/api/v1/products', { name: 'Two', problem: 'y' })).json();
      const fb = [];
      for (const [i, productId] of [one.id, two.id].entries()) {
        const f = await t.call('admin', 'POST', '/api/v1/feedback', {
          text: `sync breaks ${i}`,
          productId,
          contact: { email: `c${i}@acme.test`, account: 'Acme', arr: 120_000, currency: 'USD' },
        });
        fb.push(f.json().id);
      }
      const spanning = (
        await t.call('builder', 'POST', '/api/v1/patterns', { title: 'Sync breaks', feedbackIds: fb })
      ).json();
      const second = (
        await t.call('builder', 'POST', '/api/v1/patterns', { title: 'Second', productId: one.id })
      ).json();
      await t.call('admin', 'POST', '/api/v1/patterns', { title: 'Not theirs' });
      const imp = (
        await t.call('builder', 'POST', '/api/v1/improvements', {
          title: 'Fix sync',
          productId: one.id,
          patternIds: [spanning.id],
          effort: 3,
          risk: 'medium',
        })
      ).json();
      for (const status of ['designing', 'building', 'deployed'])
        assert.equal(
          (await t.call('builder', 'PATCH', `/api/v1/improvements/${imp.id}`, { status })).statusCode,
          200,
        );
      const adminsPattern = (
        await t.call('admin', 'POST', '/api/v1/patterns', { title: 'Admin idea' })
      ).json();
      await t.call('builder', 'POST', `/api/v1/patterns/${adminsPattern.id}/comments`, {
        body: 'seen this at Acme too',
      });
      await t.call('builder', 'POST', `/api/v1/patterns/${second.id}/comments`, {
        body: 'my own: not helping others',
      });
      await t.call('admin', 'POST', '/api/v1/kudos', {
        toUserId: t.users.builder.id,
        principle: 'ownership',
        body: 'owned it',
      });

      const p = await profile();
      assert.equal(p.level.name, 'Builder');
      assert.equal(p.nextLevel.name, 'Senior Builder');
      assert.deepEqual(
        metric(p, 'patterns_identified')
          .items.map((i) => i.url)
          .sort(),
        [`/api/v1/patterns/${second.id}`, `/api/v1/patterns/${spanning.id}`].sort(),
      );
      assert.deepEqual(
        metric(p, 'cross_product_patterns').items.map((i) => i.id),
        [spanning.id],
      );
      assert.deepEqual(
        metric(p, 'improvements_shipped').items.map((i) => i.id),
        [imp.id],
      );
      assert.equal(metric(p, 'improvements_verified').value, 0);
      assert.equal(metric(p, 'kudos_received').value, 1);
      assert.equal(metric(p, 'others_helped').value, 1);
      assert.ok(
        p.missingForNext.some(
          (m: { metric: string; short: number }) => m.metric === 'patterns_identified' && m.short === 3,
        ),
      );
      assert.deepEqual(p.commercial.arrAtStake, [{ currency: 'USD', amount: 120_000 }]);
      assert.equal(p.commercial.accountCount, 1);
      assert.equal(p.technical.totalEffort, 3);
      assert.deepEqual(p.technical.risk, { medium: 1 });
      assert.deepEqual(p.technical.verdicts, { verified: 0, awaitingVerification: 1, abandoned: 0 });

      await t.call('builder', 'PATCH', `/api/v1/improvements/${imp.id}`, { status: 'verified' });
      assert.equal(metric(await profile(), 'improvements_verified').value, 1);
    });

    test('an admin-edited rubric applies at once, and profiles are found by email', async () => {
      const res = await t.call('admin', 'PUT', '/api/v1/levels', {
        levels: [
          { name: 'Apprentice', rank: 1, criteria: [] },
          { name: 'Connector', rank: 2, criteria: [{ metric: 'cross_product_patterns', min: 1 }] },
          { name: 'Oracle', rank: 3, criteria: [{ metric: 'predictions_held', min: 1 }] },
        ],
      });
      assert.equal(res.statusCode, 200, res.body);
      const byEmail = (await t.call('viewer', 'GET', `/api/v1/builders/${t.users.builder.email}`)).json();
      assert.equal(byEmail.level.name, 'Connector');
      assert.deepEqual(byEmail.missingForNext, [{ metric: 'predictions_held', have: 0, need: 1, short: 1 }]);
      assert.equal((await t.call('viewer', 'GET', '/api/v1/builders/nobody@example.test')).statusCode, 404);
    });
  });
}
