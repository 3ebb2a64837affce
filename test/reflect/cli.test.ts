import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cliOnTempDatabase } from '../support/cli.ts';
import { TOPICS } from './helpers.ts';

describe('the Reflect CLI commands', () => {
  const { cli } = cliOnTempDatabase('reflect-cli');

  test('patterns discover proposes groups and feedback suggest ranks the accepted pattern', async () => {
    const ids: string[] = [];
    for (const text of [...TOPICS.refunds, ...TOPICS.exports]) {
      const res = await cli('feedback', 'create', '--data', JSON.stringify({ text }));
      assert.equal(res.code, 0, res.err);
      ids.push(JSON.parse(res.out).feedback.id);
    }
    const discovered = await cli('patterns', 'discover', '--k', '2', '--json');
    assert.equal(discovered.code, 0, discovered.err);
    const body = JSON.parse(discovered.out);
    assert.equal(body.proposals.length, 2);
    const refunds = body.proposals.find((p: { feedbackIds: string[] }) => p.feedbackIds.includes(ids[0]));
    assert.deepEqual([...refunds.feedbackIds].sort(), ids.slice(0, 5).sort());
    const table = await cli('patterns', 'discover', '--k', '2');
    assert.match(table.out, /10 unlinked item\(s\) → 2 group\(s\)/);

    const created = await cli(
      'patterns',
      'create',
      '--data',
      JSON.stringify({ title: 'Refunds', feedbackIds: ids.slice(0, 4) }),
    );
    assert.equal(created.code, 0, created.err);
    const patternId = JSON.parse(created.out).id;
    const suggested = await cli('feedback', 'suggest', ids[4], '--json');
    assert.equal(suggested.code, 0, suggested.err);
    assert.equal(JSON.parse(suggested.out).suggestions[0].patternId, patternId);
    const usage = await cli('patterns', 'merge', patternId);
    assert.equal(usage.code, 2);
  });
});
