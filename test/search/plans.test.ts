import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Compilable, sql } from 'kysely';
import type { FeedbackListQuery } from '../../src/domain/feedback.ts';
import { parseSearchTerms } from '../../src/domain/search.ts';
import type { Store } from '../../src/store/database.ts';
import { searchIndexFor } from '../../src/store/search-dialects.ts';
import { SEARCH_TYPES } from '../../src/store/search-index.ts';
import { feedbackListSql } from '../../src/usecases/feedback.ts';
import { databaseTargets } from '../support/databases.ts';

/**
 * The plans of the queries this feature added: the search index's newest-matches walk and each
 * inbox filter must be answered from an index, without reading the table or sorting it (sorting
 * the ties of one received_at by id is allowed: it reads no more than the page). On
 * PostgreSQL an empty table would always be scanned, so sequential scans and sorts are switched off:
 * a plan that still holds one has no index to use.
 */
async function planOf(store: Store, query: Compilable<unknown>): Promise<string> {
  const compiled = query.compile();
  if (store.dialect === 'sqlite') {
    const rows = await store.db.executeQuery<{ detail: string }>({
      ...compiled,
      sql: `EXPLAIN QUERY PLAN ${compiled.sql}`,
    });
    return rows.rows.map((r) => r.detail).join('\n');
  }
  return store.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(trx);
    await sql`SET LOCAL enable_sort = off`.execute(trx);
    const rows = await trx.executeQuery<{ 'QUERY PLAN': string }>({
      ...compiled,
      sql: `EXPLAIN ${compiled.sql}`,
    });
    return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

function assertIndexed(plan: string, dialect: string, label: string) {
  if (dialect === 'sqlite') {
    assert.doesNotMatch(plan, /SCAN feedback(?! USING)/, `${label} reads the whole table:\n${plan}`);
    // Sorting ties of one received_at by id ("LAST TERM") reads no more rows than the page.
    assert.doesNotMatch(plan, /TEMP B-TREE FOR (ORDER BY|RIGHT PART)/, `${label} sorts:\n${plan}`);
  } else {
    assert.doesNotMatch(plan, /Seq Scan on feedback/, `${label} reads the whole table:\n${plan}`);
    // An incremental sort (ties of one received_at) reads no more rows than the page; a full one would.
    assert.doesNotMatch(plan, /(^|->\s+)Sort\b/m, `${label} sorts:\n${plan}`);
  }
}

const INBOX_FILTERS: Array<[string, FeedbackListQuery]> = [
  ['the inbox', { status: 'new' }],
  ['channel', { status: 'new', channel: 'email' }],
  ['segment', { status: 'new', segment: 'Enterprise' }],
  ['ARR band', { status: 'new', arrBand: 'over_1m' }],
  ['unknown ARR band', { status: 'new', arrBand: 'unknown' }],
  ['has-suggestion', { status: 'new', hasSuggestion: 'true' }],
  [
    'received dates',
    { status: 'new', receivedFrom: '2026-01-01T00:00:00Z', receivedTo: '2026-02-01T00:00:00Z' },
  ],
  ["a contact's feedback", { contactId: '01m9000000000000000000000a' }],
];

for (const target of databaseTargets()) {
  describe(`query plans of search and inbox filters on ${target.name}`, () => {
    let db: Awaited<ReturnType<typeof target.create>>;
    before(async () => {
      db = await target.create();
    });
    after(() => db.drop());

    for (const [label, query] of INBOX_FILTERS) {
      test(`the inbox filtered by ${label} walks an index in received order`, async () => {
        assertIndexed(await planOf(db.store, feedbackListSql(db.store.db, query, null)), target.name, label);
      });
    }

    test("the inbox's q looks its matches up by primary key", async () => {
      const plan = await planOf(
        db.store,
        feedbackListSql(db.store.db, { status: 'new' }, [
          '01m9000000000000000000000a',
          '01m9000000000000000000000b',
        ]),
      );
      if (target.name === 'sqlite')
        assert.match(plan, /USING (INDEX sqlite_autoindex_feedback_1|PRIMARY KEY)|USING INDEX/);
      else assert.doesNotMatch(plan, /Seq Scan on feedback/, plan);
    });

    test('every type is searched through the full-text index, newest matches first', async () => {
      const index = searchIndexFor(db.store.dialect);
      // PostgreSQL plans the walk over the type's buckets; give it one document per type.
      await index.upsert(
        db.store.db,
        SEARCH_TYPES.map((type) => ({ type, id: `plan-${type}`, title: 'plan', body: 'flashing fails' })),
      );
      for (const type of SEARCH_TYPES) {
        for (const q of ['flashing', 'flashing fai']) {
          const plan = await index.explainNewestMatches(db.store.db, type, parseSearchTerms(q), 200);
          if (target.name === 'sqlite') {
            assert.match(plan, /VIRTUAL TABLE INDEX/, plan);
            assert.doesNotMatch(plan, /TEMP B-TREE|SCAN d\b/, plan);
          } else {
            assert.match(plan, /Bitmap Index Scan on search_documents_tsv_idx/, plan);
            assert.doesNotMatch(plan, /Seq Scan/, plan);
          }
        }
      }
    });
  });
}
