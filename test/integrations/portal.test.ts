import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FixedWindowRateLimiter, isHoneypotTripped } from '../../src/integrations/portal.ts';

test('the honeypot trips only when the hidden field is filled', () => {
  assert.equal(isHoneypotTripped({ text: 'hi', website: '' }), false);
  assert.equal(isHoneypotTripped({ text: 'hi' }), false);
  assert.equal(isHoneypotTripped({ text: 'hi', website: 'http://spam.example' }), true);
  assert.equal(isHoneypotTripped({ text: 'hi', website: ['x'] }), true);
  assert.equal(isHoneypotTripped({ text: 'hi', url: 'x' }, 'url'), true);
  assert.equal(isHoneypotTripped(null), false);
});

test('the rate limiter allows `limit` hits per key per window and resets with the clock', () => {
  let now = 1_000_000;
  const limiter = new FixedWindowRateLimiter({ limit: 2, windowMs: 60_000, now: () => now });
  assert.deepEqual(limiter.hit('1.2.3.4'), { allowed: true, remaining: 1, resetAt: 1_020_000 });
  assert.equal(limiter.hit('1.2.3.4').allowed, true);
  assert.deepEqual(limiter.hit('1.2.3.4'), { allowed: false, remaining: 0, resetAt: 1_020_000 });
  assert.equal(limiter.hit('5.6.7.8').allowed, true, 'keys are independent');
  now = 1_020_000;
  assert.equal(limiter.hit('1.2.3.4').allowed, true, 'a new window starts fresh');
});

test('the rate limiter never tracks more than maxKeys keys', () => {
  let now = 0;
  const limiter = new FixedWindowRateLimiter({ limit: 1, windowMs: 1000, now: () => now, maxKeys: 3 });
  for (const ip of ['a', 'b', 'c']) limiter.hit(ip);
  now = 5000;
  limiter.hit('d');
  assert.equal(limiter.size, 1, 'expired windows are swept when the cap is reached');
  for (const ip of ['e', 'f', 'g']) limiter.hit(ip);
  assert.ok(limiter.size <= 3);
});
