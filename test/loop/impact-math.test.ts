import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compareWindows,
  DAY_MS,
  detectRecurrence,
  median,
  normalCdf,
  scorePrediction,
  twoProportionZTest,
  type WindowCounts,
} from '../../src/domain/impact.ts';
import { improvementScore } from '../../src/domain/loop.ts';

const close = (actual: number | null, expected: number, tolerance: number) =>
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= tolerance,
    `${actual} is not within ${tolerance} of ${expected}`,
  );

const T0 = Date.parse('2026-10-01T00:00:00.000Z');
const window = (startDay: number, days: number, patternCount: number, totalCount: number): WindowCounts => ({
  from: new Date(T0 + startDay * DAY_MS).toISOString(),
  to: new Date(T0 + (startDay + days) * DAY_MS).toISOString(),
  patternCount,
  totalCount,
});

describe('the two-proportion z-test', () => {
  test('the normal distribution has its textbook quantiles', () => {
    close(normalCdf(0), 0.5, 1e-7);
    close(normalCdf(1.959964), 0.975, 1e-6);
    close(normalCdf(-1.644854), 0.05, 1e-6);
  });

  test('20 of 100 before and 5 of 100 after gives z = −3.2071 and p = 0.00134 (worked by hand)', () => {
    // p̂ = 25/200 = 0.125; se = √(0.125 · 0.875 · (1/100 + 1/100)) = √0.0021875 = 0.0467707
    // z = (0.05 − 0.20) / 0.0467707 = −3.2071; p = 2 · (1 − Φ(3.2071)) = 0.001341
    const result = twoProportionZTest(20, 100, 5, 100);
    close(result.statistic, -3.2071, 1e-4);
    close(result.pValue, 0.001341, 2e-6);
  });

  test('equal rates give z = 0 and p = 1', () => {
    assert.deepEqual(twoProportionZTest(10, 80, 10, 80), { statistic: 0, pValue: 1 });
  });

  test('30 of 200 against 20 of 200 is not significant: z = −1.5119, p = 0.1306', () => {
    // p̂ = 50/400 = 0.125; se = √(0.125 · 0.875 · 0.01) = 0.0330719; z = −0.05 / 0.0330719 = −1.5119
    const result = twoProportionZTest(30, 200, 20, 200);
    close(result.statistic, -1.5119, 1e-4);
    close(result.pValue, 0.1306, 1e-4);
  });

  test('an empty window or a zero pooled rate gives no evidence instead of dividing by zero', () => {
    assert.deepEqual(twoProportionZTest(0, 0, 3, 10), { statistic: 0, pValue: 1 });
    assert.deepEqual(twoProportionZTest(0, 50, 0, 50), { statistic: 0, pValue: 1 });
  });
});

describe('verdicts', () => {
  test('a significant drop of 90% is fixed: 20/80 → 2/80, z = −4.1322, p = 0.0000359', () => {
    // p̂ = 22/160 = 0.1375; se = √(0.1375 · 0.8625 · 2/80) = 0.0544504; z = (0.025 − 0.25)/0.0544504
    const c = compareWindows(window(-28, 28, 20, 80), window(0, 28, 2, 80));
    assert.equal(c.verdict, 'fixed');
    close(c.statistic, -4.1322, 1e-4);
    close(c.pValue, 0.0000359, 1e-6);
    assert.equal(c.changePct, -90);
    assert.equal(c.baseline.rate, 0.25);
    assert.equal(c.after.rate, 0.025);
  });

  test('a significant drop smaller than half is partly-fixed: 60/200 → 35/200, z = −2.937', () => {
    // p̂ = 95/400 = 0.2375; se = √(0.2375 · 0.7625 · 0.01) = 0.0425551; z = −0.125/0.0425551 = −2.9374
    const c = compareWindows(window(-28, 28, 60, 200), window(0, 28, 35, 200));
    assert.equal(c.verdict, 'partly-fixed');
    close(c.statistic, -2.9374, 1e-4);
    close(c.changePct, -41.67, 0.01);
  });

  test('the same rate is no-change, a significant rise is regressed (4/80 → 16/80, z = 2.8685)', () => {
    assert.equal(compareWindows(window(-28, 28, 10, 80), window(0, 28, 10, 80)).verdict, 'no-change');
    const up = compareWindows(window(-28, 28, 4, 80), window(0, 28, 16, 80));
    assert.equal(up.verdict, 'regressed');
    close(up.statistic, 2.8685, 1e-4);
    close(up.pValue, 0.004124, 2e-6);
  });

  test('too little time or data is too-early, and says why', () => {
    const short = compareWindows(window(-28, 28, 20, 80), window(0, 3, 0, 30));
    assert.equal(short.verdict, 'too-early');
    assert.match(short.reason, /after window is 3 days/);
    assert.equal(compareWindows(window(-28, 28, 20, 80), window(0, 10, 0, 5)).verdict, 'too-early');
    assert.equal(compareWindows(window(-28, 28, 2, 80), window(0, 28, 1, 80)).verdict, 'too-early');
  });

  test('a fixed pattern whose rate climbs back significantly is recurring', () => {
    const fixedWindow = window(0, 28, 2, 80);
    assert.equal(detectRecurrence(fixedWindow, window(28, 28, 20, 80)).recurring, true);
    assert.equal(detectRecurrence(fixedWindow, window(28, 28, 3, 80)).recurring, false);
    assert.equal(detectRecurrence(fixedWindow, window(28, 2, 20, 80)).recurring, false, 'too short a window');
  });
});

describe('predictions, medians and the score', () => {
  test('a prediction holds when within 15 points or better than predicted', () => {
    assert.deepEqual(scorePrediction(-60, -90), { held: true, errorPct: 30 });
    assert.deepEqual(scorePrediction(-60, -50), { held: true, errorPct: 10 });
    assert.deepEqual(scorePrediction(-60, -20), { held: false, errorPct: 40 });
  });

  test('median of odd, even and empty lists', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), null);
  });

  test('the score multiplies reach, impact, confidence and risk and divides by effort', () => {
    // impact = 1 + log10(1 + 90,000/10,000) = 2; 10 · 2 · 0.8 · 0.8 / 2 = 6.4
    const s = improvementScore({
      reach: 10,
      arrAtStakeMajor: 90_000,
      confidence: 0.8,
      effort: 2,
      risk: 'medium',
    });
    assert.equal(s.value, 6.4);
    assert.equal(
      improvementScore({ reach: 4, arrAtStakeMajor: 0, confidence: null, effort: null, risk: null }).value,
      2,
    );
  });
});
