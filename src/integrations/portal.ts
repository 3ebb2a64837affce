/**
 * Name of the hidden form field the public portal renders. Humans never see it;
 * naive bots fill every input, which is how we spot them.
 */
export const PORTAL_HONEYPOT_FIELD = 'website';

/**
 * True when the honeypot field of a submitted form body was filled in, i.e. the
 * submission should be dropped (quietly: telling the bot why only helps it adapt).
 */
export function isHoneypotTripped(body: unknown, field: string = PORTAL_HONEYPOT_FIELD): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const value = (body as Record<string, unknown>)[field];
  if (value === undefined || value === null) return false;
  return typeof value !== 'string' || value.trim() !== '';
}
