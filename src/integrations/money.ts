import { minorDigits } from '../domain/currency.ts';

export type MoneyResult = { ok: true; minor: number; currency: string } | { ok: false; error: string };

const SYMBOLS: Readonly<Record<string, string>> = {
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  '₹': 'INR',
};

const MULTIPLIERS: Readonly<Record<string, number>> = { k: 3, m: 6 };

/**
 * Parses a human-written amount such as "12000", "12,000.50", "$12k", "1.5M EUR",
 * "EUR 12 000" into integer minor units plus an ISO currency.
 *
 * Rules (chosen to never guess silently):
 * - "." is the decimal separator; "," (and spaces) are thousands separators and
 *   must group digits by three, so "1,5" is rejected rather than read as 15 or 1.5.
 * - A trailing k/K (thousand) or m/M (million) multiplier is allowed.
 * - Currency comes from a symbol ($ € £ ¥ ₹) or an ISO code before/after the number;
 *   "$" means USD unless `currencyHint` names another dollar currency.
 * - An explicit currency conflicting with `currencyHint` is an error.
 * - More decimals than the currency's minor unit, or a negative amount, is an error.
 */
export function parseMoney(raw: string, currencyHint: string | null, defaultCurrency = 'USD'): MoneyResult {
  let text = raw.trim().replace(/\u00a0/g, ' ');
  if (text === '') return { ok: false, error: 'empty amount' };
  if (/^-|^\(.*\)$/.test(text)) return { ok: false, error: `negative amount "${raw}"` };

  let found: string | null = null;
  let symbol: string | null = null;
  const code = /^([A-Za-z]{3})\s*|\s*([A-Za-z]{3})$/.exec(text);
  if (code) {
    found = (code[1] ?? code[2]).toUpperCase();
    text = text.replace(code[0], '');
  }
  const sym = /^([$€£¥₹])\s*|\s*([$€£¥₹])$/u.exec(text);
  if (sym) {
    symbol = sym[1] ?? sym[2];
    text = text.replace(sym[0], '');
  }
  const hint = currencyHint?.trim().toUpperCase() || null;
  if (hint && !/^[A-Z]{3}$/.test(hint)) return { ok: false, error: `invalid currency "${currencyHint}"` };

  let currency = found ?? hint ?? (symbol ? SYMBOLS[symbol] : null) ?? defaultCurrency;
  if (found && hint && found !== hint) {
    return { ok: false, error: `amount says ${found} but the currency column says ${hint}` };
  }
  if (symbol && !found) {
    const symbolCurrency = SYMBOLS[symbol];
    const dollarLike = symbol === '$' && hint !== null && hint.endsWith('D');
    if (hint && hint !== symbolCurrency && !dollarLike) {
      return { ok: false, error: `amount uses "${symbol}" but the currency column says ${hint}` };
    }
    currency = hint ?? symbolCurrency;
  }

  const match = /^(\d{1,3}(?:[, ]\d{3})+|\d+)(?:\.(\d+))?\s*([kKmM])?$/.exec(text.trim());
  if (!match) return { ok: false, error: `unrecognised amount "${raw}"` };
  const digits = match[1].replace(/[, ]/g, '') + (match[2] ?? '');
  const scale = (match[2] ?? '').length;
  const exponent = match[3] ? MULTIPLIERS[match[3].toLowerCase()] : 0;
  const shift = minorDigits(currency) + exponent - scale;
  let minor: bigint;
  if (shift >= 0) {
    minor = BigInt(digits) * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    const value = BigInt(digits);
    if (value % divisor !== 0n) {
      return { ok: false, error: `"${raw}" has more decimals than ${currency} minor units allow` };
    }
    minor = value / divisor;
  }
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, error: `amount "${raw}" is too large` };
  return { ok: true, minor: Number(minor), currency };
}
