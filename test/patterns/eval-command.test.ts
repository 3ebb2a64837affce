import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runEvalPatternsCommand } from '../../src/patterns/eval-command.ts';

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runEvalPatternsCommand(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

test('--json prints exactly the documented shape with metrics in 0..1', async () => {
  const r = await run([
    '--test',
    fixture('small-test.csv'),
    '--train',
    fixture('small-train.csv'),
    '--seeds',
    '2',
    '--shots',
    '5',
    '--json',
  ]);
  assert.equal(r.code, 0, r.err);
  const parsed = JSON.parse(r.out);
  assert.deepEqual(Object.keys(parsed), ['discovery', 'suggestion', 'seconds']);
  assert.deepEqual(Object.keys(parsed.discovery), ['nmi', 'ari', 'acc', 'k']);
  assert.deepEqual(Object.keys(parsed.suggestion), ['shots', 'top1', 'top3']);
  assert.equal(parsed.suggestion.shots, 5);
  assert.equal(parsed.discovery.k, 6);
  for (const v of [
    parsed.discovery.nmi,
    parsed.discovery.acc,
    parsed.suggestion.top1,
    parsed.suggestion.top3,
  ]) {
    assert.ok(v >= 0 && v <= 1);
  }
  assert.ok(parsed.suggestion.top1 > 0.5);
  assert.equal(typeof parsed.seconds, 'number');
});

test('without --train the shots come from the test file and a table is printed', async () => {
  const r = await run(['--test', fixture('small-test.csv'), '--seeds', '1', '--shots', '3', '--k', 'auto']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /discovery NMI/);
  assert.match(r.out, /suggestion top-1/);
});

test('--help prints usage and bad arguments exit with code 2', async () => {
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: productos eval patterns/);
  assert.equal((await run([])).code, 2);
  assert.equal((await run(['--test', fixture('small-test.csv'), '--shots', 'ten'])).code, 2);
  assert.equal((await run(['--test', fixture('small-test.csv'), '--bogus'])).code, 2);
  const missing = await run(['--test', '/nonexistent/file.csv']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /ENOENT|no such file/);
});
