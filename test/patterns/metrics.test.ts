import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hungarian } from '../../src/patterns/hungarian.ts';
import { ari, clusterAccuracy, nmi } from '../../src/patterns/metrics.ts';

const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test('identical partitions score 1 on NMI, ARI and ACC even with renamed clusters', () => {
  const truth = ['a', 'a', 'b', 'b', 'c'];
  const pred = [2, 2, 0, 0, 1];
  close(nmi(truth, pred), 1);
  close(ari(truth, pred), 1);
  close(clusterAccuracy(truth, pred), 1);
});

test('NMI matches a hand-computed value', () => {
  // truth {0,0,1,1}, pred {0,0,0,1}: I = 0.5·ln2 + 0.25·ln(4/3)·... computed below by hand.
  const truth = [0, 0, 1, 1];
  const pred = [0, 0, 0, 1];
  const mi =
    0.5 * Math.log(0.5 / (0.5 * 0.75)) +
    0.25 * Math.log(0.25 / (0.5 * 0.75)) +
    0.25 * Math.log(0.25 / (0.5 * 0.25));
  const hT = Math.log(2);
  const hP = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
  close(nmi(truth, pred), mi / ((hT + hP) / 2));
});

test('ARI matches a hand-computed value', () => {
  // Contingency [[2,1,0],[0,1,2]]: index = 1+1 = 2, a = 3+3 = 6, b = 1+1+1 = 3, pairs = 15,
  // expected = 6·3/15 = 1.2, max = 4.5 → (2 − 1.2) / (4.5 − 1.2).
  const truth = [0, 0, 0, 1, 1, 1];
  const pred = [0, 0, 1, 1, 2, 2];
  close(ari(truth, pred), 0.8 / 3.3);
  // A chance-level split scores 0: [[1,1],[0,2]] gives index 1 = expected 1.
  close(ari([0, 0, 1, 1], [0, 1, 1, 1]), 0);
});

test('ACC uses the best one-to-one mapping, not majority voting', () => {
  // Both clusters are mostly "a"; one-to-one mapping can give "a" only one of them.
  const truth = ['a', 'a', 'a', 'b', 'a', 'a', 'b', 'b'];
  const pred = [0, 0, 0, 0, 1, 1, 1, 1];
  close(clusterAccuracy(truth, pred), 5 / 8);
});

test('Hungarian finds the minimum-cost assignment on a 3×3 example', () => {
  const cost = [
    [4, 1, 3],
    [2, 0, 5],
    [3, 2, 2],
  ];
  assert.deepEqual(hungarian(cost), [1, 0, 2]);
});

test('Hungarian handles rectangular matrices', () => {
  assert.deepEqual(hungarian([[5, 1, 9]]), [1]);
  const two = hungarian([[1], [0]]);
  assert.deepEqual(two, [-1, 0]);
});
