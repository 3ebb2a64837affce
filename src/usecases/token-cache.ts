import type { Authenticated } from './auth.ts';

/** How long a verified token is trusted without asking the database again. */
export const TOKEN_CACHE_TTL_MS = 5_000;
/** Only verified tokens are kept, so this bounds memory against many live clients, not guessing. */
const MAX_ENTRIES = 10_000;

interface Entry {
  value: Authenticated;
  /** The token's own expiry, checked on every hit. */
  expiresAt: string | null;
  cachedAt: number;
}

/**
 * Bearer and session tokens verified in the last few seconds, keyed by their hash, so a busy
 * client does not cost a database lookup on every request.
 *
 * Revocation stays effective: anything this process changes about users or tokens (revoking a
 * token, signing out, disabling a user, changing a role) empties the cache at once (see
 * `createDeps` and `logout`); a revocation made by another process on the same database is seen
 * within `TOKEN_CACHE_TTL_MS`. A lookup that raced with such a change is not cached.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  constructor(private readonly ttlMs = TOKEN_CACHE_TTL_MS) {}

  /** The cached verification of this token hash, unless it is too old or the token has expired. */
  get(tokenHash: string, now: Date): Authenticated | null {
    const entry = this.entries.get(tokenHash);
    if (!entry) return null;
    const at = now.getTime();
    // A clock that went backwards makes the entry's age unknown: ask the database again.
    const fresh = at >= entry.cachedAt && at - entry.cachedAt < this.ttlMs;
    const expired = entry.expiresAt !== null && entry.expiresAt <= now.toISOString();
    if (fresh && !expired) return entry.value;
    this.entries.delete(tokenHash);
    return null;
  }

  /** A ticket to hand back to `set`, taken before reading the database. */
  ticket(): number {
    return this.generation;
  }

  /** Keeps a verification, unless the cache was invalidated since `ticket` was taken. */
  set(tokenHash: string, ticket: number, value: Authenticated, expiresAt: string | null, now: Date): void {
    if (ticket !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    // Shared by every request that hits this entry: nobody may change it on the way.
    Object.freeze(value.actor);
    Object.freeze(value.user);
    this.entries.set(tokenHash, { value: Object.freeze(value), expiresAt, cachedAt: now.getTime() });
  }

  /** Forgets every verification, including lookups still in flight. */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }
}
