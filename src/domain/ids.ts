import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
let lastTime = 0;
let lastRandom: Buffer = Buffer.alloc(10);

/**
 * A time-ordered id (ULID layout, lowercase Crockford base32): 10 chars of milliseconds then 16 of
 * randomness, monotonic within a millisecond. Ordering by id is ordering by creation, which is what
 * cursor pagination needs on both databases.
 */
export function newId(now: number = Date.now()): string {
  let random: Buffer;
  if (now <= lastTime) {
    random = Buffer.from(lastRandom);
    for (let i = random.length - 1; i >= 0; i--) {
      random[i] = (random[i] + 1) & 0xff;
      if (random[i] !== 0) break;
    }
    now = lastTime;
  } else {
    random = randomBytes(10);
  }
  lastTime = now;
  lastRandom = random;
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let bits = 0;
  let value = 0;
  let rand = '';
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      rand += ALPHABET[(value >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return time + rand;
}

export const ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{26}$/;
