import type { Kysely } from 'kysely';

/** Reflect: the pattern engine's stored state. */
export async function up(_db: Kysely<any>): Promise<void> {}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only: write a new one instead of reverting');
}
