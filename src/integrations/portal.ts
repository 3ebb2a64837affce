/**
 * Name of the hidden form field the public portal renders. Humans never see it;
 * naive bots fill every input, which is how we spot them.
 */
export const PORTAL_HONEYPOT_FIELD = 'website';

/**
 * True when the honeypot field of a submitted form body was filled in, i.e. the
 * submission should be dropped (quietly: telling the bot why only helps it adapt).
 */
export function isHoneypotTripped(body: unknown, field: string = PORTAL_HONEYPOT_FIELD): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const value = (body as Record<string, unknown>)[field];
  if (value === undefined || value === null) return false;
  return typeof value !== 'string' || value.trim() !== '';
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Requests still allowed in the current window. */
  remaining: number;
  /** Epoch ms when the current window ends (useful for a Retry-After header). */
  resetAt: number;
}

export interface FixedWindowRateLimiterOptions {
  /** Requests allowed per key per window. */
  limit: number;
  windowMs: number;
  /** Clock in epoch ms; injectable so tests need not sleep. */
  now?: () => number;
  /** Safety cap on tracked keys so a flood of distinct IPs cannot grow memory forever. */
  maxKeys?: number;
}

/**
 * In-memory fixed-window rate limiter keyed by any string (typically the client IP).
 * Fixed windows are coarse (a burst can straddle a boundary) but need one counter per
 * key, which is enough for spam control on a single portal process.
 */
export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(options: FixedWindowRateLimiterOptions) {
    if (!(options.limit >= 1) || !(options.windowMs > 0))
      throw new RangeError('limit must be >= 1 and windowMs > 0');
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Counts one request for `key` and says whether it is allowed. */
  hit(key: string): RateLimitDecision {
    const now = this.now();
    const start = now - (now % this.windowMs);
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      if (!window && this.windows.size >= this.maxKeys) this.sweep(start);
      window = { start, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    const allowed = window.count <= this.limit;
    return { allowed, remaining: Math.max(0, this.limit - window.count), resetAt: start + this.windowMs };
  }

  /** Number of keys currently tracked (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  // Drops windows that ended; if every key is still live, drops the oldest entries.
  private sweep(currentStart: number): void {
    for (const [key, window] of this.windows) if (window.start !== currentStart) this.windows.delete(key);
    const excess = this.windows.size - this.maxKeys + 1;
    if (excess > 0) {
      let dropped = 0;
      for (const key of this.windows.keys()) {
        if (dropped++ >= excess) break;
        this.windows.delete(key);
      }
    }
  }
}
