import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../domain/authorization.ts';
import { newId } from '../domain/ids.ts';
import type { DialectName, Store } from '../store/database.ts';
import { PreparedQuery } from '../store/prepared-query.ts';
import type { Database, EventsTable } from '../store/schema.ts';
import type { LiveEvents } from './live-events.ts';
import type { LoopServices } from './loop/services.ts';
import type { ReflectServices } from './reflect/services.ts';
import type { VerifiedTokenCache } from './token-cache.ts';

/** What every use-case needs, passed in rather than imported: the store and a clock tests can set. */
export interface Deps {
  store: Store;
  clock: () => Date;
  /** Called after each transaction commits, with the events it wrote (in-memory indexes). */
  subscribers: Array<(events: RecordedEvent[]) => void>;
  /**
   * Called inside each writing transaction, after its work, with the events it wrote: what must
   * be stored with the change or not at all (outbound webhook deliveries).
   */
  beforeCommit: Array<(tx: Tx, events: RecordedEvent[]) => Promise<void>>;
  /** The pattern engine's live state (see src/usecases/reflect/services.ts). */
  reflect: ReflectServices;
  /** Outbox, notifications and impact (see src/usecases/loop/services.ts). */
  loop: LoopServices;
  /** Tokens verified in the last few seconds (see src/usecases/token-cache.ts). */
  tokenCache: VerifiedTokenCache;
  /** Commits fanned out to live-update streams, across processes (see src/usecases/live-events.ts). */
  live: LiveEvents;
}

export type Db = Kysely<Database> | Transaction<Database>;

export interface RecordedEvent {
  id: string;
  at: string;
  actorId: string | null;
  itemType: string;
  itemId: string;
  action: 'create' | 'update' | 'delete';
  changes: Record<string, { before: unknown; after: unknown }>;
}

export interface Tx {
  db: Transaction<Database>;
  dialect: DialectName;
  now: string;
  actor: Actor;
  /** Appends to the history of an item, in the same transaction as the change itself. */
  record(
    itemType: string,
    itemId: string,
    action: RecordedEvent['action'],
    changes: RecordedEvent['changes'],
  ): Promise<void>;
  /** The same for many items at once, in multi-row inserts (bulk ingestion writes thousands). */
  recordMany(
    entries: Array<Pick<RecordedEvent, 'itemType' | 'itemId' | 'action' | 'changes'>>,
  ): Promise<void>;
}

/** Rows per multi-row event insert: 8 parameters each stays well below SQLite's and PostgreSQL's limits. */
const EVENTS_PER_INSERT = 500;

/** Most writes record one event: that insert is compiled once. */
const insertOneEvent = new PreparedQuery<EventsTable>((db, param) => {
  const row: EventsTable = {
    id: param('id'),
    actor_id: param('actor_id'),
    actor_name: param('actor_name'),
    at: param('at'),
    item_type: param('item_type'),
    item_id: param('item_id'),
    action: param('action'),
    changes_json: param('changes_json'),
  };
  return db.insertInto('events').values(row);
});

/**
 * Runs a write in one transaction: either everything it did (including its history events) is
 * stored, or nothing is.
 */
export async function inTransaction<T>(deps: Deps, actor: Actor, work: (tx: Tx) => Promise<T>): Promise<T> {
  const events: RecordedEvent[] = [];
  const now = deps.clock().toISOString();
  const result = await deps.store.db.transaction().execute(async (trx) => {
    const tx: Tx = {
      db: trx,
      dialect: deps.store.dialect,
      now,
      actor,
      async record(itemType, itemId, action, changes) {
        await tx.recordMany([{ itemType, itemId, action, changes }]);
      },
      async recordMany(entries) {
        for (let i = 0; i < entries.length; i += EVENTS_PER_INSERT) {
          const part = entries
            .slice(i, i + EVENTS_PER_INSERT)
            .map((e): RecordedEvent => ({ id: newId(), at: now, actorId: actor.userId, ...e }));
          const rows = part.map(
            (event): EventsTable => ({
              id: event.id,
              actor_id: actor.userId,
              actor_name: actor.name,
              at: now,
              item_type: event.itemType,
              item_id: event.itemId,
              action: event.action,
              changes_json: JSON.stringify(event.changes),
            }),
          );
          if (rows.length === 1) await insertOneEvent.execute(tx, rows[0]);
          else await trx.insertInto('events').values(rows).execute();
          events.push(...part);
        }
      },
    };
    const result = await work(tx);
    if (events.length > 0) for (const hook of deps.beforeCommit) await hook(tx, events);
    return result;
  });
  if (events.length > 0) for (const subscriber of deps.subscribers) subscriber(events);
  return result;
}

/** A string, boolean or array never serialises to `null`, so it always differs from nothing. */
const isNeverNullJson = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || Array.isArray(v);

/** Field-by-field differences between two presented objects, for the history. */
export function diff(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  ignore: readonly string[] = ['updatedAt', 'createdAt'],
): RecordedEvent['changes'] {
  const changes: RecordedEvent['changes'] = {};
  const keys = before && after ? new Set([...Object.keys(before), ...Object.keys(after)]) : null;
  for (const key of keys ?? Object.keys(before ?? after ?? {})) {
    if (ignore.includes(key)) continue;
    const a = before?.[key] ?? null;
    const b = after?.[key] ?? null;
    if (a === b) continue;
    // Creating or deleting an item (one side null) rarely needs serialising to compare.
    if (
      (a === null && isNeverNullJson(b)) ||
      (b === null && isNeverNullJson(a)) ||
      JSON.stringify(a) !== JSON.stringify(b)
    )
      changes[key] = { before: a, after: b };
  }
  return changes;
}

/** Counts come back as numbers from SQLite and strings from PostgreSQL: one place makes them numbers. */
export function toCount(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number(value);
  return 0;
}

export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
