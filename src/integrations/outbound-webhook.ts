import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Header names of outbound deliveries (documented in docs/impact.md and the OpenAPI description). */
export const SIGNATURE_HEADER = 'x-productos-signature';
export const TIMESTAMP_HEADER = 'x-productos-timestamp';

/** A new webhook secret: 32 random bytes, shown once to the admin who registers the webhook. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * The signature of one delivery: `sha256=` + hex HMAC-SHA256 over `<timestamp>.<body>`, so a
 * receiver can reject replays by checking the timestamp is recent.
 */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does: recompute and compare in constant time. */
export function verifyWebhookSignature(
  secret: string,
  timestamp: number,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface PostResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** POSTs a signed body with a timeout; never throws (the outbox records what happened). */
export async function postSignedWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'productOS-webhooks/1', ...headers },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 300)
      return { ok: true, statusCode: response.status, error: null };
    return { ok: false, statusCode: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError')
      return { ok: false, statusCode: null, error: `timed out after ${timeoutMs} ms` };
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      ok: false,
      statusCode: null,
      error: `${error instanceof Error ? error.message : String(error)}${cause}`,
    };
  }
}
