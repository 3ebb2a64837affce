import { searchIndexFor } from '../store/search-dialects.ts';
import { SEARCH_TYPES, type SearchType } from '../store/search-index.ts';
import type { RecordedEvent, Tx } from './context.ts';
import { documentOf, loadSearchSources } from './search-documents.ts';

const isSearchType = (type: string): type is SearchType => (SEARCH_TYPES as readonly string[]).includes(type);

/** A feedback change re-indexes the item only when it touches what the index holds or leaves out. */
const FEEDBACK_INDEXED_FIELDS = ['text', 'moderation'];

/**
 * Keeps the search index in step with a transaction's changes, inside that transaction (a
 * `beforeCommit` hook): every write records an event, so every change to a searchable item passes
 * here. Each touched item is re-read and its document replaced, or removed when the item is gone or
 * kept out of search. A new feedback item is indexed from its creation event without re-reading it.
 */
export async function indexSearchDocuments(tx: Tx, events: RecordedEvent[]): Promise<void> {
  const touched = new Map<SearchType, Set<string>>();
  const created: Array<{ id: string; text: string }> = [];
  for (const e of events) {
    if (!isSearchType(e.itemType)) continue;
    if (e.itemType === 'feedback') {
      if (e.action === 'create' && typeof e.changes.text?.after === 'string' && !e.changes.moderation) {
        created.push({ id: e.itemId, text: e.changes.text.after });
        continue;
      }
      if (e.action === 'update' && !FEEDBACK_INDEXED_FIELDS.some((f) => f in e.changes)) continue;
    }
    const ids = touched.get(e.itemType) ?? new Set<string>();
    ids.add(e.itemId);
    touched.set(e.itemType, ids);
  }
  const index = searchIndexFor(tx.dialect);
  const later = touched.get('feedback');
  const fresh = created.filter((c) => !later?.has(c.id));
  if (fresh.length > 0)
    await index.upsert(
      tx.db,
      fresh.map((c) => ({ type: 'feedback', id: c.id, title: '', body: c.text })),
    );
  for (const [type, idSet] of touched) {
    const ids = [...idSet];
    const sources = await loadSearchSources(tx.db, type, ids);
    const kept = sources.filter((s) => s.indexed);
    if (kept.length > 0)
      await index.upsert(
        tx.db,
        kept.map((s) => documentOf(type, s)),
      );
    const keptIds = new Set(kept.map((s) => s.id));
    const gone = ids.filter((id) => !keptIds.has(id));
    if (gone.length > 0) await index.remove(tx.db, type, gone);
  }
}
