import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cliOnTempDatabase } from '../support/cli.ts';

describe('the whole loop from the command line', () => {
  const { cli } = cliOnTempDatabase('loop-cli');
  const json = async (...argv: string[]) => {
    const run = await cli(...argv);
    assert.equal(run.code, 0, `${argv.join(' ')}: ${run.err}`);
    return JSON.parse(run.out);
  };

  test('feedback → pattern → improvement → options → decision → deploy → impact, all through productos', async () => {
    const product = await json(
      'products',
      'create',
      '--data',
      '{"name":"Etcher","problem":"Flash OS images"}',
    );
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const made = await json(
        'feedback',
        'create',
        '--data',
        JSON.stringify({ text: `verification is slow ${i}`, productId: product.id }),
      );
      ids.push(made.feedback.id);
    }
    const pattern = await json(
      'patterns',
      'create',
      '--data',
      JSON.stringify({ title: 'Slow verification', productId: product.id, feedbackIds: ids }),
    );
    assert.equal(pattern.feedbackCount, 3);
    const improvement = await json(
      'improvements',
      'create',
      '--data',
      JSON.stringify({ title: 'Faster verify', productId: product.id, patternIds: [pattern.id] }),
    );
    await json('improvements', 'update', improvement.id, '--data', '{"status":"designing"}');
    const option = await json(
      'improvements',
      'option',
      improvement.id,
      '--title',
      'Verify in parallel',
      '--body',
      'Hash while writing',
    );
    const wrongPattern = await cli(
      'improvements',
      'decide',
      improvement.id,
      '--option',
      option.id,
      '--rationale',
      'x',
      '--predict',
      `${ids[0]}:-60:28`,
    );
    assert.equal(wrongPattern.code, 1);
    assert.match(wrongPattern.err, /prediction/);
    const decided = await json(
      'improvements',
      'decide',
      improvement.id,
      '--option',
      option.id,
      '--rationale',
      'cheapest',
      '--predict',
      `${pattern.id}:-60:28`,
    );
    assert.equal(decided.status, 'building');
    assert.equal(decided.decision.prediction.expectedChangePct, -60);
    const deployed = await cli(
      'deploy',
      '--product',
      'etcher',
      '--version',
      '1.0.0',
      '--improvement',
      improvement.id,
    );
    assert.equal(deployed.code, 0, deployed.err);
    const shown = await json('improvements', 'show', improvement.id);
    assert.equal(shown.status, 'deployed');
    assert.equal(shown.options[0].title, 'Verify in parallel');
    const impact = await json('improvements', 'impact', improvement.id);
    assert.equal(impact.items.length, 1);
    assert.equal(impact.items[0].patternId, pattern.id);
    assert.equal(impact.items[0].verdict, 'too-early', 'the deploy just happened');
  });
});
