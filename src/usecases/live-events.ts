import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type Actor, authorize } from '../domain/authorization.ts';
import { ID_PATTERN } from '../domain/ids.ts';
import type { Store } from '../store/database.ts';
import type { Deps, RecordedEvent, Tx } from './context.ts';
import {
  eventsAfter,
  eventsById,
  type LiveEvent,
  type LiveMessage,
  liveMessageFor,
} from './live-messages.ts';

/**
 * Live updates: every commit's events, fanned out to the open streams of this process and, on a
 * shared PostgreSQL, of every other process. A commit NOTIFYs the event ids in its own transaction
 * (so they are announced only if it commits); each process LISTENs on one connection of its own,
 * started with its first stream, and reads the events it did not write from the events table.
 * SQLite serves one process: the commit subscriber alone feeds the streams.
 */
const CHANNEL = 'productos_events';
/** Event ids per NOTIFY: 250 ids keep a payload under PostgreSQL's 8,000 bytes. */
const IDS_PER_NOTIFY = 250;
/** Tells this process's own announcements apart from the others'. */
const PROCESS_ID = randomUUID();

/** `beforeCommit` hook: announces a commit's events to the other processes sharing a PostgreSQL. */
export async function announceEvents(tx: Tx, events: RecordedEvent[]): Promise<void> {
  if (tx.dialect !== 'postgres') return;
  for (let i = 0; i < events.length; i += IDS_PER_NOTIFY) {
    const payload = JSON.stringify({
      origin: PROCESS_ID,
      ids: events.slice(i, i + IDS_PER_NOTIFY).map((e) => e.id),
    });
    await sql`SELECT pg_notify(${CHANNEL}, ${payload})`.execute(tx.db);
  }
}

type Listener = (events: LiveEvent[]) => void;

/** See module comment. One per process (in Deps). */
export class LiveEvents {
  private readonly listeners = new Set<Listener>();
  /** Tells this instance's own announcements apart from the other processes'. */
  private readonly origin = randomUUID();
  private stopListening: (() => Promise<void>) | null = null;
  private starting: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`productOS live: ${m}\n`),
  ) {}

  /** `beforeCommit` hook: announces a commit's events to the other processes sharing a PostgreSQL. */
  async announce(tx: Tx, events: RecordedEvent[]): Promise<void> {
    if (tx.dialect !== 'postgres') return;
    for (let i = 0; i < events.length; i += IDS_PER_NOTIFY) {
      const ids = events.slice(i, i + IDS_PER_NOTIFY).map((e) => e.id);
      await sql`SELECT pg_notify(${CHANNEL}, ${JSON.stringify({ origin: this.origin, ids })})`.execute(tx.db);
    }
  }

  /** Commit subscriber: this process's own commits. */
  publish(events: LiveEvent[]): void {
    for (const listener of this.listeners) listener(events);
  }

  /** Streams open in this process. */
  get size(): number {
    return this.listeners.size;
  }

  /** Calls `listener` with every later commit's events (any process); returns the unsubscribe. */
  async subscribe(listener: Listener): Promise<() => void> {
    this.listeners.add(listener);
    await this.listen();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Stops listening (call before closing the store). */
  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    await this.stopListening?.();
    this.stopListening = null;
    this.listeners.clear();
  }

  private async listen(): Promise<void> {
    if (!this.store.listen || this.stopListening || this.closed) return;
    this.starting ??= this.startListening().finally(() => {
      this.starting = null;
    });
    await this.starting;
  }

  private async startListening(): Promise<void> {
    const listen = this.store.listen;
    if (!listen) return;
    this.stopListening = await listen(
      CHANNEL,
      (payload) => this.announced(payload),
      (error) => {
        this.stopListening = null;
        this.warn(`lost the LISTEN connection (${error.message}); listening again in a second`);
        setTimeout(() => {
          if (this.listeners.size > 0) this.listen().catch((e: Error) => this.warn(e.message));
        }, 1000).unref();
      },
    );
    if (this.closed) await this.stopListening();
  }

  private announced(payload: string): void {
    let parsed: { origin?: unknown; ids?: unknown };
    try {
      parsed = JSON.parse(payload);
    } catch {
      return;
    }
    if (parsed.origin === this.origin || !Array.isArray(parsed.ids) || this.listeners.size === 0) return;
    const ids = parsed.ids.filter((id): id is string => typeof id === 'string' && ID_PATTERN.test(id));
    eventsById(this.store.db, ids).then(
      (events) => this.publish(events),
      (error: Error) => this.warn(`could not read announced events: ${error.message}`),
    );
  }
}

/** A reconnecting client gets at most this many missed events; further behind, it is told to reload. */
export const REPLAY_LIMIT = 500;

export interface LiveStreamOutput {
  send(message: LiveMessage): void;
  /** The client missed more than can be replayed (or sent an unknown id): refetch everything. */
  reset(): void;
}

/**
 * Follows the changes `actor` may see. With `lastEventId` (a reconnect), the events after it are
 * replayed from the events table first; what commits meanwhile is held back and sent after them,
 * each event once. Returns the function that stops following.
 */
export async function followLiveEvents(
  deps: Deps,
  actor: Actor | null,
  lastEventId: string | null,
  out: LiveStreamOutput,
): Promise<() => void> {
  authorize(actor, 'loop:read');
  const deliver = (events: LiveEvent[]) => {
    for (const e of events) {
      const message = liveMessageFor(actor, e);
      if (message) out.send(message);
    }
  };
  let held: LiveEvent[] | null = lastEventId ? [] : null;
  const unsubscribe = await deps.live.subscribe((events) => {
    if (held) held.push(...events);
    else deliver(events);
  });
  if (lastEventId && held) {
    const replayed = ID_PATTERN.test(lastEventId)
      ? await eventsAfter(deps.store.db, lastEventId, REPLAY_LIMIT + 1)
      : null;
    if (!replayed || replayed.length > REPLAY_LIMIT) out.reset();
    else deliver(replayed);
    const seen = new Set((replayed ?? []).map((e) => e.id));
    const later = held.filter((e) => !seen.has(e.id));
    held = null;
    deliver(later);
  }
  return unsubscribe;
}
