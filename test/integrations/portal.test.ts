import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHoneypotTripped } from '../../src/integrations/portal.ts';

test('the honeypot trips only when the hidden field is filled', () => {
  assert.equal(isHoneypotTripped({ text: 'hi', website: '' }), false);
  assert.equal(isHoneypotTripped({ text: 'hi' }), false);
  assert.equal(isHoneypotTripped({ text: 'hi', website: 'http://spam.example' }), true);
  assert.equal(isHoneypotTripped({ text: 'hi', website: ['x'] }), true);
  assert.equal(isHoneypotTripped({ text: 'hi', url: 'x' }, 'url'), true);
  assert.equal(isHoneypotTripped(null), false);
});
