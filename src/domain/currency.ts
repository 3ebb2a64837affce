import { z } from 'zod';

/**
 * Money across currencies. ARR is stored in minor units of each account's own currency; to compare
 * accounts, the inbox converts it into the installation's base currency with exchange rates an admin
 * sets (`PUT /api/v1/settings/currency`). No rate is ever guessed: an amount in a currency without a
 * rate has no base amount and no ARR band.
 */

/** ISO 4217 currencies whose minor unit is not 1/100. Everything else uses 2 decimals. */
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
};

/** Decimal digits of a currency's minor unit (JPY 0, USD 2, KWD 3). */
export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code such as USD');

/**
 * ARR bands of the inbox filter, in major units of the base currency. Stored on each feedback item
 * (from its contact's account) so the filter is an index range; `unknown` is an item without an
 * account, an ARR, or a rate for the account's currency.
 */
export const ARR_BANDS = ['under_10k', '10k_50k', '50k_250k', '250k_1m', 'over_1m'] as const;
export type ArrBand = (typeof ARR_BANDS)[number];
export const ARR_BAND_FILTERS = [...ARR_BANDS, 'unknown'] as const;
export type ArrBandFilter = (typeof ARR_BAND_FILTERS)[number];

/** Lower edges of the bands above, in base major units (the first band starts at 0). */
const BAND_EDGES = [10_000, 50_000, 250_000, 1_000_000] as const;

/** The base currency and, for every other currency the installation converts, its rate. */
export interface CurrencySettings {
  baseCurrency: string;
  /** currency → value of one unit of it in the base currency (EUR 1.08 with base USD). */
  rates: ReadonlyMap<string, number>;
}

export const DEFAULT_CURRENCY_SETTINGS: CurrencySettings = { baseCurrency: 'USD', rates: new Map() };

/** An amount in minor units of `currency`, converted into minor units of the base currency; null without a rate. */
export function toBaseMinor(amount: number, currency: string, settings: CurrencySettings): number | null {
  const rate = currency === settings.baseCurrency ? 1 : settings.rates.get(currency);
  if (rate === undefined) return null;
  const shift = minorDigits(settings.baseCurrency) - minorDigits(currency);
  return Math.round(amount * rate * 10 ** shift);
}

/** The band of an ARR (minor units of `currency`), or null when it is unknown or has no rate. */
export function arrBandOf(
  arr: number | null,
  currency: string | null,
  settings: CurrencySettings,
): ArrBand | null {
  if (arr === null || currency === null) return null;
  const base = toBaseMinor(arr, currency, settings);
  if (base === null) return null;
  const major = base / 10 ** minorDigits(settings.baseCurrency);
  const index = BAND_EDGES.findIndex((edge) => major < edge);
  return ARR_BANDS[index === -1 ? ARR_BANDS.length - 1 : index];
}

export const currencySettingsInput = z.strictObject({
  baseCurrency: currencyCode.describe('what ARR is compared in'),
  rates: z
    .record(currencyCode, z.number().positive().finite().max(1e9))
    .describe(
      'currency → value of one unit of it in the base currency, e.g. {"EUR": 1.08}; replaces every rate',
    )
    .refine((rates) => Object.keys(rates).length <= 200, 'at most 200 rates'),
});
export type CurrencySettingsInput = z.infer<typeof currencySettingsInput>;

export const currencySettingsSchema = z.object({
  baseCurrency: z.string(),
  rates: z.array(z.object({ currency: z.string(), rate: z.number() })).describe('sorted by currency'),
  bands: z
    .array(z.object({ band: z.enum(ARR_BANDS), from: z.number(), to: z.number().nullable() }))
    .describe('the ARR bands of the inbox filter, in major units of the base currency'),
  updatedAt: z.string().nullable(),
});
export type CurrencySettingsView = z.infer<typeof currencySettingsSchema>;

/** The bands as the settings route shows them. */
export function bandRanges(): CurrencySettingsView['bands'] {
  return ARR_BANDS.map((band, i) => ({
    band,
    from: i === 0 ? 0 : BAND_EDGES[i - 1],
    to: i < BAND_EDGES.length ? BAND_EDGES[i] : null,
  }));
}
