import { type Actor, authorize } from '../domain/authorization.ts';
import {
  arrBandOf,
  bandRanges,
  type CurrencySettings,
  type CurrencySettingsInput,
  type CurrencySettingsView,
} from '../domain/currency.ts';
import { type Db, type Deps, inTransaction, type Tx } from './context.ts';

/** The base currency and the rates, as stored. */
export async function loadCurrencySettings(db: Db): Promise<CurrencySettings & { updatedAt: string | null }> {
  const base = await db
    .selectFrom('currency_settings')
    .select(['base_currency', 'updated_at'])
    .where('id', '=', 1)
    .executeTakeFirst();
  const rates = await db
    .selectFrom('currency_rates')
    .select(['currency', 'rate'])
    .orderBy('currency')
    .execute();
  return {
    baseCurrency: base?.base_currency ?? 'USD',
    rates: new Map(rates.map((r) => [r.currency, Number(r.rate)])),
    updatedAt: base?.updated_at ?? null,
  };
}

function present(settings: CurrencySettings & { updatedAt: string | null }): CurrencySettingsView {
  return {
    baseCurrency: settings.baseCurrency,
    rates: [...settings.rates].map(([currency, rate]) => ({ currency, rate })),
    bands: bandRanges(),
    updatedAt: settings.updatedAt,
  };
}

/** Anyone signed in may read the rates: the inbox shows amounts converted with them. */
export async function getCurrencySettings(deps: Deps, actor: Actor | null): Promise<CurrencySettingsView> {
  authorize(actor, 'loop:read');
  return present(await loadCurrencySettings(deps.store.db));
}

/**
 * Sets the base currency and replaces every rate (admins). Feedback whose account's ARR band moves
 * under the new rates gets its band in the same transaction, so the inbox filter never disagrees
 * with the rates shown.
 */
export async function updateCurrencySettings(
  deps: Deps,
  actor: Actor | null,
  input: CurrencySettingsInput,
): Promise<CurrencySettingsView> {
  authorize(actor, 'settings:manage');
  return inTransaction(deps, actor, async (tx) => {
    const before = await loadCurrencySettings(tx.db);
    // The base currency's own rate is 1 by definition; a rate given for it is ignored.
    const rates = Object.entries(input.rates).filter(([currency]) => currency !== input.baseCurrency);
    await tx.db
      .updateTable('currency_settings')
      .set({ base_currency: input.baseCurrency, updated_at: tx.now })
      .where('id', '=', 1)
      .execute();
    await tx.db.deleteFrom('currency_rates').execute();
    if (rates.length > 0)
      await tx.db
        .insertInto('currency_rates')
        .values(rates.map(([currency, rate]) => ({ currency, rate, updated_at: tx.now })))
        .execute();
    const after = { baseCurrency: input.baseCurrency, rates: new Map(rates), updatedAt: tx.now };
    const accounts = await tx.db.selectFrom('accounts').select(['id', 'arr', 'currency']).execute();
    const moved = new Map<string | null, string[]>();
    for (const a of accounts) {
      const arr = a.arr === null ? null : Number(a.arr);
      const band = arrBandOf(arr, a.currency, after);
      if (band !== arrBandOf(arr, a.currency, before)) moved.set(band, [...(moved.get(band) ?? []), a.id]);
    }
    for (const [band, ids] of moved) await setBandOfAccounts(tx, ids, band);
    await tx.record('settings', 'currency', 'update', {
      baseCurrency: { before: before.baseCurrency, after: after.baseCurrency },
      rates: { before: Object.fromEntries(before.rates), after: Object.fromEntries(after.rates) },
    });
    return present(after);
  });
}

/** Sets the ARR band of every feedback item from contacts of these accounts (new exchange rates). */
async function setBandOfAccounts(tx: Tx, accountIds: string[], band: string | null): Promise<void> {
  for (let i = 0; i < accountIds.length; i += 500) {
    await tx.db
      .updateTable('feedback')
      .set({ arr_band: band })
      .where('contact_id', 'in', (eb) =>
        eb
          .selectFrom('contacts')
          .select('id')
          .where('account_id', 'in', accountIds.slice(i, i + 500)),
      )
      .execute();
  }
}
