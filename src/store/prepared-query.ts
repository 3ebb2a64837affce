import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { DialectName } from './database.ts';
import type { Database } from './schema.ts';

/** Where a prepared query runs: a store, or a transaction of one (`Tx`). */
export interface QueryTarget {
  db: Kysely<Database>;
  dialect: DialectName;
}

/** Marks where a named value goes while the query is compiled; never sent to the database. */
class Placeholder {
  constructor(readonly name: PropertyKey) {}
}

type Slot<P> = { param: keyof P } | { constant: unknown };

/**
 * A statement built and compiled once per dialect, then run with fresh values. Kysely otherwise
 * rebuilds and recompiles the same statement on every call, which on the hottest path (one
 * feedback item per request) costs about as much as the database running it.
 *
 * `build` receives `param(name)`: use it wherever a value goes. It is called once per dialect, so
 * it must not depend on the values (one statement shape per prepared query).
 */
export class PreparedQuery<P extends object, R = unknown> {
  private readonly compiled = new Map<DialectName, { query: CompiledQuery<R>; slots: Slot<P>[] }>();

  constructor(
    private readonly build: (
      db: Kysely<Database>,
      param: <K extends keyof P>(name: K) => P[K],
    ) => Compilable<R>,
  ) {}

  execute(target: QueryTarget, params: P): Promise<QueryResult<R>> {
    const { query, slots } = this.compiled.get(target.dialect) ?? this.compile(target);
    const parameters = slots.map((slot) => ('param' in slot ? params[slot.param] : slot.constant));
    return target.db.executeQuery<R>({ ...query, parameters });
  }

  private compile(target: QueryTarget): { query: CompiledQuery<R>; slots: Slot<P>[] } {
    // A placeholder object passes through Kysely as an ordinary value and lands in `parameters`,
    // which tells which named value fills each position of this dialect's SQL.
    const query = this.build(target.db, (name) => new Placeholder(name) as never).compile();
    const slots = query.parameters.map(
      (value): Slot<P> =>
        value instanceof Placeholder ? { param: value.name as keyof P } : { constant: value },
    );
    const entry = { query, slots };
    this.compiled.set(target.dialect, entry);
    return entry;
  }
}
