import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { cliOnTempDatabase } from '../support/cli.ts';

describe('the builders’ CLI commands', () => {
  const { cli } = cliOnTempDatabase('builders-cli');
  before(async () => {
    const added = await cli(
      'user',
      'add',
      '--email',
      'ana@example.test',
      '--name',
      'Ana',
      '--password',
      'a long password',
    );
    assert.equal(added.code, 0, added.err);
  });

  test('principles list prints the 14 principles', async () => {
    const res = await cli('principles', 'list', '--json');
    assert.equal(res.code, 0, res.err);
    assert.equal(JSON.parse(res.out).length, 14);
  });

  test('reflect writes to the journal of the person named by --as, and refuses a bad step', async () => {
    const ok = await cli(
      'reflect',
      '--as',
      'ana@example.test',
      '--body',
      'I skipped observing',
      '--step',
      'observe',
      '--principles',
      'self-reflection',
    );
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /reflection \w+ \(private, observe\)/);
    const bad = await cli('reflect', '--as', 'ana@example.test', '--body', 'x', '--step', 'dream');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /step/);
    const nobody = await cli('reflect', '--body', 'x', '--step', 'observe');
    assert.equal(nobody.code, 2);
  });

  test('builder show prints the level and what is missing for the next', async () => {
    const res = await cli('builder', 'show', 'ana@example.test');
    assert.equal(res.code, 0, res.err);
    assert.match(res.out, /level: Contributor/);
    assert.match(res.out, /for Builder:\n {2}patterns_identified: 0 of 2/);
  });
});
