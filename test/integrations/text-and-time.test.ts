import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseFeedbackText } from '../../src/domain/feedback.ts';
import { getDotPath } from '../../src/integrations/dot-path.ts';
import { parseTimestamp } from '../../src/integrations/timestamp.ts';

test('normalised text ignores case, whitespace runs and punctuation at the ends', () => {
  assert.equal(normaliseFeedbackText('  Add DARK   mode!!! '), 'add dark mode');
  assert.equal(normaliseFeedbackText('"add dark mode"'), 'add dark mode');
  assert.equal(normaliseFeedbackText('Add dark\n\tmode.'), normaliseFeedbackText('add dark mode'));
  assert.equal(normaliseFeedbackText('Upgrade to v1.2, please?'), 'upgrade to v1.2, please');
  assert.equal(normaliseFeedbackText('Ｆｕｌｌ width'), 'full width');
});

test('timestamps are parsed to UTC ISO and ambiguous numeric dates are refused', () => {
  assert.deepEqual(parseTimestamp('2024-05-03'), { ok: true, iso: '2024-05-03T00:00:00.000Z' });
  assert.deepEqual(parseTimestamp('2024-05-03 14:30'), { ok: true, iso: '2024-05-03T14:30:00.000Z' });
  assert.deepEqual(parseTimestamp('2024-05-03T14:30:00+0200'), { ok: true, iso: '2024-05-03T12:30:00.000Z' });
  assert.deepEqual(parseTimestamp('Mon, 03 Jun 2024 10:15:00 +0000'), {
    ok: true,
    iso: '2024-06-03T10:15:00.000Z',
  });
  assert.deepEqual(parseTimestamp(1_717_409_700), { ok: true, iso: '2024-06-03T10:15:00.000Z' });
  assert.deepEqual(parseTimestamp('1717409700000'), { ok: true, iso: '2024-06-03T10:15:00.000Z' });
  assert.equal(parseTimestamp('03/04/2024').ok, false);
  assert.equal(parseTimestamp('2024-13-45').ok, false);
  assert.equal(parseTimestamp('soon').ok, false);
});

test('dot paths index objects and arrays and say where they stop', () => {
  const payload = { data: { message: { body: 'hi' } }, items: [{ id: 7 }] };
  assert.deepEqual(getDotPath(payload, 'data.message.body'), { found: true, value: 'hi' });
  assert.deepEqual(getDotPath(payload, 'items.0.id'), { found: true, value: 7 });
  assert.deepEqual(getDotPath(payload, 'items.3.id'), { found: false, missingAt: 'items.3' });
  assert.deepEqual(getDotPath(payload, 'data.msg.body'), { found: false, missingAt: 'data.msg' });
  assert.deepEqual(getDotPath(payload, 'data.__proto__'), { found: false, missingAt: 'data.__proto__' });
});
