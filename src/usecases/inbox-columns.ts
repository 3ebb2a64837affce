import { arrBandOf, type CurrencySettings } from '../domain/currency.ts';
import type { RecordedEvent, Tx } from './context.ts';
import { loadCurrencySettings } from './currency-settings.ts';

/**
 * Feedback carries copies of its contact's account's segment and ARR band (in the base currency), so
 * the inbox filters on them are index ranges. This keeps the copies in step, inside the transaction
 * that changed what they copy (a `beforeCommit` hook): new feedback from a known contact, a contact
 * moved to another account, an account's ARR, currency or segment changed. Deleting an account or
 * a contact clears them explicitly (see clearInboxColumns), and new rates re-band in their own use-case.
 */
export async function keepInboxColumns(tx: Tx, events: RecordedEvent[]): Promise<void> {
  const feedbackByContact = new Map<string, string[]>();
  const contacts = new Set<string>();
  const accounts = new Set<string>();
  for (const e of events) {
    if (e.itemType === 'feedback' && e.action === 'create') {
      const contactId = e.changes.contactId?.after;
      if (typeof contactId === 'string')
        feedbackByContact.set(contactId, [...(feedbackByContact.get(contactId) ?? []), e.itemId]);
    } else if (e.itemType === 'contact' && e.action === 'update' && 'accountId' in e.changes) {
      contacts.add(e.itemId);
    } else if (
      e.itemType === 'account' &&
      e.action === 'update' &&
      ['arr', 'currency', 'segment'].some((field) => field in e.changes)
    ) {
      accounts.add(e.itemId);
    }
  }
  if (feedbackByContact.size === 0 && contacts.size === 0 && accounts.size === 0) return;
  const settings = await loadCurrencySettings(tx.db);
  for (const accountId of accounts) await refreshAccount(tx, accountId, settings);
  for (const contactId of contacts) {
    const values = (await valuesOfContacts(tx, [contactId], settings)).get(contactId) ?? NONE;
    await tx.db.updateTable('feedback').set(values).where('contact_id', '=', contactId).execute();
  }
  // New items of contacts refreshed above already have their values.
  const pending = [...feedbackByContact].filter(([contactId]) => !contacts.has(contactId));
  if (pending.length === 0) return;
  const values = await valuesOfContacts(
    tx,
    pending.map(([contactId]) => contactId),
    settings,
  );
  const groups = new Map<string, string[]>();
  for (const [contactId, feedbackIds] of pending) {
    const v = values.get(contactId);
    if (!v || (v.segment === null && v.arr_band === null)) continue;
    const key = JSON.stringify([v.segment, v.arr_band]);
    groups.set(key, [...(groups.get(key) ?? []), ...feedbackIds]);
  }
  for (const [key, ids] of groups) {
    const [segment, band] = JSON.parse(key) as [string | null, string | null];
    for (let i = 0; i < ids.length; i += 500)
      await tx.db
        .updateTable('feedback')
        .set({ segment, arr_band: band })
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
  }
}

interface InboxValues {
  segment: string | null;
  arr_band: string | null;
}
const NONE: InboxValues = { segment: null, arr_band: null };

async function valuesOfContacts(
  tx: Tx,
  contactIds: string[],
  settings: CurrencySettings,
): Promise<Map<string, InboxValues>> {
  const out = new Map<string, InboxValues>();
  for (let i = 0; i < contactIds.length; i += 500) {
    const rows = await tx.db
      .selectFrom('contacts')
      .leftJoin('accounts', 'accounts.id', 'contacts.account_id')
      .select(['contacts.id', 'accounts.segment', 'accounts.arr', 'accounts.currency'])
      .where('contacts.id', 'in', contactIds.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      out.set(r.id, {
        segment: r.segment,
        arr_band: arrBandOf(r.arr === null ? null : Number(r.arr), r.currency, settings),
      });
    }
  }
  return out;
}

async function refreshAccount(tx: Tx, accountId: string, settings: CurrencySettings): Promise<void> {
  const account = await tx.db
    .selectFrom('accounts')
    .select(['segment', 'arr', 'currency'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!account) return;
  const values: InboxValues = {
    segment: account.segment,
    arr_band: arrBandOf(account.arr === null ? null : Number(account.arr), account.currency, settings),
  };
  await tx.db
    .updateTable('feedback')
    .set(values)
    .where('contact_id', 'in', (eb) =>
      eb.selectFrom('contacts').select('id').where('account_id', '=', accountId),
    )
    .execute();
}

/**
 * Before an account or a contact is deleted (its foreign keys then set the links to null, which
 * leaves nothing to find the feedback by), its feedback loses the copied segment and band.
 */
export async function clearInboxColumns(
  tx: Tx,
  of: { accountId: string } | { contactId: string },
): Promise<void> {
  const q = tx.db.updateTable('feedback').set(NONE);
  if ('contactId' in of) await q.where('contact_id', '=', of.contactId).execute();
  else
    await q
      .where('contact_id', 'in', (eb) =>
        eb.selectFrom('contacts').select('id').where('account_id', '=', of.accountId),
      )
      .execute();
}
