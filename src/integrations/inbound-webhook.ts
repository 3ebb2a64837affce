import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { getDotPath } from './dot-path.ts';
import { type IncomingFeedback, validateIncomingFeedback } from './incoming-feedback.ts';
import { parseTimestamp } from './timestamp.ts';

/** Header carrying "sha256=<hex>" (several comma-separated values allowed during secret rotation). */
export const INBOUND_SIGNATURE_HEADER = 'x-productos-signature';
/** Header carrying the Unix time in seconds at which the sender signed the request. */
export const INBOUND_TIMESTAMP_HEADER = 'x-productos-timestamp';

/**
 * Signs an inbound webhook body the way senders must: hex HMAC-SHA256 over
 * `${timestamp}.${rawBody}`. Returns the full header value, "sha256=<hex>".
 * The timestamp is part of the signed text so a captured request cannot be replayed later.
 */
export function signInbound(secret: string, timestamp: number | string, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(rawBody);
  return `sha256=${hmac.digest('hex')}`;
}

export type InboundVerification =
  | { ok: true }
  | { ok: false; reason: 'missing_signature' | 'bad_signature' | 'stale_timestamp' | 'bad_timestamp' };

export interface VerifyInboundInput {
  secret: string;
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  rawBody: Buffer;
  /** Current time; defaults to the system clock. */
  now?: Date;
  /** Maximum age (or clock skew into the future) accepted; default 300 s. */
  toleranceSeconds?: number;
}

/**
 * Verifies an inbound webhook: both headers present, timestamp an integer number of
 * seconds, signature matching (constant-time), and timestamp within the tolerance.
 * The signature is checked before freshness so "stale" is only ever said about
 * genuine requests (a forged one is always "bad_signature").
 */
export function verifyInboundSignature(input: VerifyInboundInput): InboundVerification {
  const { secret, timestampHeader, signatureHeader, rawBody } = input;
  if (!signatureHeader?.trim()) return { ok: false, reason: 'missing_signature' };
  const timestampText = timestampHeader?.trim() ?? '';
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'bad_timestamp' };

  const expected = Buffer.from(signInbound(secret, timestampText, rawBody).slice('sha256='.length), 'hex');
  const matches = signatureHeader.split(',').some((candidate) => {
    const value = candidate.trim();
    if (!value.startsWith('sha256=')) return false;
    const hex = value.slice('sha256='.length);
    if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
    return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
  });
  if (!matches) return { ok: false, reason: 'bad_signature' };

  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const tolerance = input.toleranceSeconds ?? 300;
  if (Math.abs(nowSeconds - Number(timestampText)) > tolerance)
    return { ok: false, reason: 'stale_timestamp' };
  return { ok: true };
}

const dotPath = z
  .string()
  .trim()
  .max(200)
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'must be a dot path like data.message.body or items.0.id');

/** Admin-supplied mapping from IncomingFeedback fields to dot paths in the sender's JSON. */
export const inboundMappingSchema = z.strictObject({
  text: dotPath,
  externalId: dotPath.optional(),
  email: dotPath.optional(),
  name: dotPath.optional(),
  account: dotPath.optional(),
  url: dotPath.optional(),
  receivedAt: dotPath.optional(),
  product: dotPath.optional(),
});

export type InboundMapping = z.infer<typeof inboundMappingSchema>;

export type InboundMappingResult = { ok: true; item: IncomingFeedback } | { ok: false; error: string };

/**
 * Applies a mapping to a parsed webhook payload, producing feedback on channel
 * "webhook". The text path must resolve to a non-empty string; optional paths that are
 * absent give null, but present values of the wrong type are errors naming the field.
 */
export function mapInboundPayload(mapping: InboundMapping, payload: unknown): InboundMappingResult {
  const text = getDotPath(payload, mapping.text);
  if (!text.found)
    return { ok: false, error: `text: path "${mapping.text}" not found (missing at "${text.missingAt}")` };
  if (typeof text.value !== 'string' || text.value.trim() === '') {
    return { ok: false, error: `text: "${mapping.text}" must be a non-empty string` };
  }

  const values: Partial<Record<Exclude<keyof InboundMapping, 'text'>, string | null>> = {};
  for (const field of ['externalId', 'email', 'name', 'account', 'url', 'receivedAt', 'product'] as const) {
    const path = mapping[field];
    if (!path) continue;
    const found = getDotPath(payload, path);
    if (!found.found || found.value === null) {
      values[field] = null;
      continue;
    }
    const { value } = found;
    if (typeof value === 'string') values[field] = value.trim() || null;
    else if (typeof value === 'number' && (field === 'externalId' || field === 'receivedAt'))
      values[field] = String(value);
    else return { ok: false, error: `${field}: "${path}" must be a string, found ${describe(value)}` };
  }

  let receivedAt: string | null = null;
  if (values.receivedAt) {
    const parsed = parseTimestamp(values.receivedAt);
    if (!parsed.ok) return { ok: false, error: `receivedAt: ${parsed.error}` };
    receivedAt = parsed.iso;
  }
  const contact = {
    email: values.email?.toLowerCase() ?? null,
    name: values.name ?? null,
    account: values.account ?? null,
  };
  const checked = validateIncomingFeedback({
    text: text.value,
    product: values.product ?? null,
    receivedAt,
    source: { channel: 'webhook', externalId: values.externalId ?? null, url: values.url ?? null },
    contact: Object.values(contact).some((v) => v !== null) ? contact : null,
  });
  return checked.ok ? checked : { ok: false, error: checked.error };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
