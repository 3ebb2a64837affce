import type { FeedbackContactInput } from '../domain/feedback.ts';
import { newId } from '../domain/ids.ts';
import type { AccountsTable, ContactsTable } from '../store/schema.ts';
import { insertAccount, patchAccount, presentContact } from './accounts.ts';
import { diff, type Tx } from './context.ts';

const LOOKUP_CHUNK = 500;

function chunked<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += LOOKUP_CHUNK) out.push(list.slice(i, i + LOOKUP_CHUNK));
  return out;
}

/**
 * Finds or creates the contacts (and their accounts) that said a batch of feedback. The contacts
 * and accounts a batch names are looked up in a few bulk queries first, so a batch of 1,000 items
 * from known customers costs two queries rather than two per item.
 */
export class ContactDirectory {
  private readonly contactsByEmail = new Map<string, ContactsTable>();
  private readonly accountsByName = new Map<string, AccountsTable>();
  /** Names and emails whose absence from the maps means "not in the database". */
  private readonly lookedUp = new Set<string>();
  private readonly resolved = new Map<string, ContactsTable>();
  /** New contacts, written together by `flush` (before the feedback that refers to them). */
  private readonly created: ContactsTable[] = [];

  constructor(private readonly tx: Tx) {}

  /** Loads, in bulk, the contacts (by email) and accounts (by name) these inputs refer to. */
  async prefetch(inputs: FeedbackContactInput[]): Promise<void> {
    const emails = [
      ...new Set(inputs.map((c) => c.email?.trim().toLowerCase()).filter((e): e is string => !!e)),
    ];
    const names = [...new Set(inputs.map((c) => c.account).filter((n): n is string => !!n))];
    for (const part of chunked(emails)) {
      for (const row of await this.tx.db
        .selectFrom('contacts')
        .selectAll()
        .where('email', 'in', part)
        .execute()) {
        if (row.email) this.contactsByEmail.set(row.email, row);
      }
    }
    for (const part of chunked(names)) {
      for (const row of await this.tx.db
        .selectFrom('accounts')
        .selectAll()
        .where('name', 'in', part)
        .execute())
        this.accountsByName.set(row.name, row);
    }
    for (const email of emails) this.lookedUp.add(`e:${email}`);
    for (const name of names) this.lookedUp.add(`a:${name}`);
  }

  /** The contact for one item's `contact`, created or updated as needed; null for an anonymous item. */
  async upsert(input: FeedbackContactInput): Promise<ContactsTable | null> {
    const email = input.email?.trim().toLowerCase() ?? null;
    if (!email && !input.name) return null;
    const key = email ? `e:${email}` : `n:${input.name}\u0000${input.account ?? ''}`;
    const done = this.resolved.get(key);
    if (done) return done;
    const accountId = input.account ? (await this.upsertAccount(input.account, input)).id : null;
    let contact = email
      ? await this.contactByEmail(email)
      : await this.contactByName(input.name ?? '', accountId);
    if (!contact) {
      const now = this.tx.now;
      contact = {
        id: newId(),
        email,
        name: input.name ?? null,
        account_id: accountId,
        created_at: now,
        updated_at: now,
      };
      this.created.push(contact);
    } else if ((accountId && contact.account_id !== accountId) || (input.name && !contact.name)) {
      const patch = {
        account_id: accountId ?? contact.account_id,
        name: contact.name ?? input.name ?? null,
        updated_at: this.tx.now,
      };
      await this.tx.db.updateTable('contacts').set(patch).where('id', '=', contact.id).execute();
      const before = { accountId: contact.account_id, name: contact.name };
      await this.tx.record(
        'contact',
        contact.id,
        'update',
        diff(before, { accountId: patch.account_id, name: patch.name }),
      );
      contact = { ...contact, ...patch };
    }
    if (email) this.contactsByEmail.set(email, contact);
    this.resolved.set(key, contact);
    return contact;
  }

  /** Writes the contacts `upsert` created, in multi-row inserts, with their history. */
  async flush(): Promise<void> {
    const rows = this.created.splice(0);
    for (let i = 0; i < rows.length; i += LOOKUP_CHUNK) {
      await this.tx.db
        .insertInto('contacts')
        .values(rows.slice(i, i + LOOKUP_CHUNK))
        .execute();
    }
    await this.tx.recordMany(
      rows.map((row) => ({
        itemType: 'contact',
        itemId: row.id,
        action: 'create' as const,
        changes: diff(null, presentContact(row)),
      })),
    );
  }

  private async contactByEmail(email: string): Promise<ContactsTable | undefined> {
    const known = this.contactsByEmail.get(email);
    if (known || this.lookedUp.has(`e:${email}`)) return known;
    return this.tx.db.selectFrom('contacts').selectAll().where('email', '=', email).executeTakeFirst();
  }

  private contactByName(name: string, accountId: string | null): Promise<ContactsTable | undefined> {
    return this.tx.db
      .selectFrom('contacts')
      .selectAll()
      .where('email', 'is', null)
      .where('name', '=', name)
      .where((eb) => (accountId ? eb('account_id', '=', accountId) : eb('account_id', 'is', null)))
      .executeTakeFirst();
  }

  /** Finds or creates an account by name; commercial fields the item carries overwrite stored ones. */
  private async upsertAccount(name: string, input: FeedbackContactInput): Promise<AccountsTable> {
    let existing = this.accountsByName.get(name);
    if (!existing && !this.lookedUp.has(`a:${name}`)) {
      existing = await this.tx.db
        .selectFrom('accounts')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
    }
    const commercial = { arr: input.arr, currency: input.currency, segment: input.segment, plan: input.plan };
    const given = Object.fromEntries(
      Object.entries(commercial).filter(([, v]) => v !== undefined && v !== null),
    );
    let account: AccountsTable;
    if (!existing) account = await insertAccount(this.tx, { name, ...given });
    else if (Object.entries(given).some(([field, value]) => existing[field as keyof AccountsTable] !== value))
      account = await patchAccount(this.tx, existing, given);
    else account = existing;
    this.accountsByName.set(name, account);
    return account;
  }
}
