/**
 * What an export holds, decided table by table in this one place.
 *
 * Every table of the live schema must be listed here: exported (all of its columns, read from the
 * schema, so a column another migration adds travels without a change here) or skipped with the
 * reason a restore does without it. `test/export/coverage.test.ts` reads the live schema on both
 * databases and fails on a table that is in neither list, so a new table cannot be left out
 * silently. Exports run in foreign-key order, computed from the schema (see `planExport`).
 */
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../../store/database.ts';
import type { ColumnInfo, SchemaInfo, TableInfo } from '../../store/introspect.ts';
import type { Database } from '../../store/schema.ts';

export interface ExportedTable {
  export: true;
  /** Filled by a migration (the principles, the default rubric): import-all replaces those rows. */
  seeded?: boolean;
  /** Columns left out of the API export; the operator's export keeps them, so a restore works. */
  secret?: readonly string[];
  /** Columns whose names look like secrets but are not, with why (the coverage test asks). */
  notSecret?: Readonly<Record<string, string>>;
  /** The rows the API export shows to the user with this id; all rows when absent. */
  visibleTo?: (userId: string) => RawBuilder<SqlBool>;
  /** Text columns the API export keeps with a secret inside them blanked out. */
  redact?: Readonly<Record<string, (text: string) => string>>;
}

export interface SkippedTable {
  export: false;
  /** Why a restore does without this table. */
  reason: string;
  /**
   * Rebuilds the table from the restored ones, inside import-all's transaction: for derived tables
   * the application reads without recomputing them itself (maintained summaries, for instance).
   */
  rebuild?: (db: Kysely<Database>, dialect: DialectName) => Promise<void>;
  /** The one database that has this table (SQLite's FTS5 index has no PostgreSQL counterpart table). */
  onlyOn?: DialectName;
}

export type TablePolicy = ExportedTable | SkippedTable;

const withoutUnsubscribeTokens = (text: string) =>
  text.replace(/(unsubscribe\?token=)[A-Za-z0-9_-]+/g, '$1withheld');

const DERIVED_BY_ENGINE =
  'derived: the pattern engine fits its model and embeds the restored feedback again when it first loads';

/** The decision for every table; keep it alphabetical. */
export const DATA_TABLES: Readonly<Record<string, TablePolicy>> = {
  accounts: { export: true },
  comments: { export: true },
  contact_subscriptions: {
    export: true,
    // The token in each recipient's unsubscribe link: kept by a restore so links already sent still work.
    secret: ['token'],
  },
  contacts: { export: true },
  currency_rates: { export: true },
  // The migration stores the default base currency (USD); a restore replaces it.
  currency_settings: { export: true, seeded: true },
  deploy_improvements: { export: true },
  deploys: { export: true },
  events: {
    export: true,
    // A reflection's history holds its step and visibility, never its body; the API export still
    // leaves out the history of other people's reflections that are not shared with the team.
    visibleTo: (userId) =>
      sql<SqlBool>`not (item_type = 'reflection' and coalesce(actor_id, '') <> ${userId}
        and item_id not in (select id from reflections where visibility = 'team'))`,
  },
  feedback: {
    export: true,
    notSecret: { text_key: 'the normalised text that exact repeats are detected by' },
  },
  feedback_vectors: { export: false, reason: DERIVED_BY_ENGINE },
  impact_measurements: { export: true },
  implementation_links: { export: true },
  improvement_options: { export: true },
  improvement_patterns: { export: true },
  improvements: { export: true },
  inbound_sources: { export: true, secret: ['secret'] },
  kudos: { export: true },
  kysely_migration: {
    export: false,
    reason:
      'the schema version: the export names its last migration, and import-all migrates the new database',
  },
  kysely_migration_lock: { export: false, reason: 'the migrator’s lock, held only while migrating' },
  level_criteria: { export: true, seeded: true },
  levels: { export: true, seeded: true },
  login_attempts: { export: false, reason: 'sign-in throttling: counts over the last 15 minutes only' },
  option_votes: { export: true },
  outbound_webhooks: { export: true, secret: ['secret'] },
  outbox: {
    export: true,
    notSecret: { dedupe_key: 'says which event a message is for, so it is sent once' },
    // A message as sent carries its recipient's unsubscribe link, whose token is withheld above.
    redact: { body: withoutUnsubscribeTokens, headers_json: withoutUnsubscribeTokens },
  },
  outbox_attempts: { export: true },
  pattern_feedback: { export: true },
  patterns: { export: true },
  principles: { export: true, seeded: true },
  product_alternatives: { export: true },
  product_dependencies: { export: true },
  product_surfaces: { export: true },
  products: { export: true },
  rate_limit_hits: { export: false, reason: 'rate-limit counters: hits within the current window only' },
  reflect_models: { export: false, reason: DERIVED_BY_ENGINE },
  reflections: {
    export: true,
    // A journal is personal: the API export shows team entries and the caller's own private ones.
    visibleTo: (userId) => sql<SqlBool>`(visibility <> 'private' or author_id = ${userId})`,
  },
  search_documents: {
    export: false,
    reason: 'derived: the full-text index of the restored items, rebuilt from them',
  },
  search_fts: {
    export: false,
    onlyOn: 'sqlite',
    reason: 'derived: the full-text index of the restored items, rebuilt from them',
  },
  setup_tokens: {
    export: false,
    reason: 'one-time links to create the first admin; a restored database has its admins',
  },
  tokens: {
    export: false,
    reason:
      'API tokens and sign-in sessions are issued again after a restore, never copied: a copied one would let whoever holds the file act as its owner',
  },
  users: { export: true, secret: ['password_hash'] },
};

/** Column names that look like they hold a secret; each must be declared `secret` or `notSecret`. */
export const SECRET_LOOKING = /secret|password|hash|token|key|salt|credential/i;

/** Who an export is for: the operator's complete backup, or an admin's copy through the API. */
export type ExportAudience = 'operator' | 'admin';

export interface PlannedTable {
  table: TableInfo;
  /** Exported columns in file order: the primary key's, then the rest by name. */
  columns: ColumnInfo[];
  /** Secret columns left out (API export only). */
  withheld: string[];
  /** Column → how its text is blanked (API export only). */
  redact: Readonly<Partial<Record<string, (text: string) => string>>>;
  policy: ExportedTable | null;
}

export interface ExportPlan {
  tables: PlannedTable[];
  /** Tables of the schema this build has no decision for: exported whole by the operator, left out of the API export. */
  unknown: string[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The columns of a table as an export writes them (generated columns are never written). */
export function exportColumns(table: TableInfo, withheld: readonly string[] = []): ColumnInfo[] {
  const written = table.columns.filter((c) => !c.generated && !withheld.includes(c.name));
  const key = table.primaryKey.map((k) => written.find((c) => c.name === k)).filter((c) => c !== undefined);
  const rest = written
    .filter((c) => !table.primaryKey.includes(c.name))
    .sort((a, b) => byName(a.name, b.name));
  return [...key, ...rest];
}

/**
 * Orders tables so that each comes after the tables its foreign keys point to (ties by name, so the
 * order is the same on both databases). A cycle is broken at the first table by name; import-all
 * fills such references once their rows exist.
 */
export function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const names = new Set(tables.map((t) => t.name));
  const needs = new Map(
    tables.map((t) => [
      t.name,
      new Set(t.foreignKeys.map((fk) => fk.refTable).filter((r) => r !== t.name && names.has(r))),
    ]),
  );
  const order: TableInfo[] = [];
  const remaining = [...tables].sort((a, b) => byName(a.name, b.name));
  while (remaining.length > 0) {
    const index = Math.max(
      0,
      remaining.findIndex((t) => needs.get(t.name)?.size === 0),
    );
    const [next] = remaining.splice(index, 1);
    order.push(next);
    for (const set of needs.values()) set.delete(next.name);
  }
  return order;
}

/** The policy of a table, or null when this build has none (a table it does not know). */
export function policyOf(table: string): TablePolicy | null {
  return Object.hasOwn(DATA_TABLES, table) ? DATA_TABLES[table] : null;
}

/** Which tables and columns an export of `schema` for `audience` writes, in dependency order. */
export function planExport(schema: SchemaInfo, audience: ExportAudience): ExportPlan {
  const unknown: string[] = [];
  const chosen: Array<{ table: TableInfo; policy: ExportedTable | null }> = [];
  for (const table of schema.values()) {
    if (table.internal) continue;
    const policy = policyOf(table.name);
    if (policy === null) {
      unknown.push(table.name);
      if (audience === 'operator') chosen.push({ table, policy: null });
    } else if (policy.export) chosen.push({ table, policy });
  }
  const policies = new Map(chosen.map((c) => [c.table.name, c.policy]));
  const tables = dependencyOrder(chosen.map((c) => c.table)).map((table): PlannedTable => {
    const policy = policies.get(table.name) ?? null;
    const withheld = audience === 'admin' ? [...(policy?.secret ?? [])] : [];
    const redact = audience === 'admin' ? (policy?.redact ?? {}) : {};
    return { table, columns: exportColumns(table, withheld), withheld, redact, policy };
  });
  return { tables, unknown };
}

/**
 * What is wrong with the decisions for `schema`, in words that say what to do: a table without a
 * decision, a decision for a table that does not exist, an exported table that cannot be read in
 * pages or restored, a column that looks like a secret and is not declared either way.
 */
export function decisionProblems(schema: SchemaInfo, dialect: DialectName): string[] {
  const problems: string[] = [];
  for (const table of schema.values()) {
    if (table.internal === 'shadow') continue;
    const policy = policyOf(table.name);
    if (!policy) {
      problems.push(
        `table ${table.name} has no export decision: add it to DATA_TABLES in src/usecases/export/tables.ts (exported, or skipped with the reason a restore does without it)`,
      );
      continue;
    }
    if (!policy.export) {
      if (policy.reason.trim() === '') problems.push(`table ${table.name} is skipped without a reason`);
      continue;
    }
    if (table.internal === 'virtual')
      problems.push(
        `${table.name} is a virtual table (an index): skip it with a reason; import-all rebuilds it`,
      );
    if (table.primaryKey.length === 0)
      problems.push(
        `table ${table.name} has no primary key: an export reads tables in pages of primary-key order`,
      );
    for (const fk of table.foreignKeys) {
      const target = policyOf(fk.refTable);
      if (target && !target.export)
        problems.push(
          `${table.name}.${fk.columns.join(', ')} refers to ${fk.refTable}, which is not exported: a restore could not fill it`,
        );
    }
    const notSecret = policy.notSecret ?? {};
    for (const column of table.columns)
      if (
        SECRET_LOOKING.test(column.name) &&
        !policy.secret?.includes(column.name) &&
        !Object.hasOwn(notSecret, column.name)
      )
        problems.push(
          `${table.name}.${column.name} looks like a secret: list it under secret (left out of the API export) or notSecret (with why)`,
        );
    for (const name of [
      ...(policy.secret ?? []),
      ...Object.keys(notSecret),
      ...Object.keys(policy.redact ?? {}),
    ])
      if (!table.columns.some((c) => c.name === name))
        problems.push(`${table.name}.${name} is declared in DATA_TABLES but the table has no such column`);
  }
  for (const [name, policy] of Object.entries(DATA_TABLES))
    if (!schema.has(name) && !(!policy.export && policy.onlyOn && policy.onlyOn !== dialect))
      problems.push(`DATA_TABLES decides about ${name}, which the schema does not have`);
  return problems;
}
