import type { FeedbackChannel } from '../incoming-feedback.ts';
import { validateIncomingFeedback } from '../incoming-feedback.ts';
import { parseMoney } from '../money.ts';
import { parseTimestamp } from '../timestamp.ts';

/** Logical fields a tabular import can fill, before they are assembled into IncomingFeedback. */
export const FEEDBACK_FIELDS = [
  'text',
  'title',
  'email',
  'name',
  'account',
  'receivedAt',
  'externalId',
  'product',
  'surface',
  'url',
  'arr',
  'currency',
  'segment',
  'plan',
] as const;

export type FeedbackField = (typeof FEEDBACK_FIELDS)[number];
export type FeedbackFieldValues = Partial<Record<FeedbackField, string | null>>;

export type BuiltFeedback = ReturnType<typeof validateIncomingFeedback>;

/**
 * Assembles raw cell values into a validated IncomingFeedback. The title (when there
 * is one) becomes the first paragraph of the text, since "Dark mode" + "Please add a
 * dark theme for night shifts" is one piece of feedback, not two.
 */
export function buildFeedback(values: FeedbackFieldValues, channel: FeedbackChannel): BuiltFeedback {
  // Quoted CSV cells keep the file's CRLFs; feedback text always uses "\n".
  const title = values.title?.replace(/\r\n?/g, '\n').trim() || null;
  const body = values.text?.replace(/\r\n?/g, '\n').trim() || null;
  const text = title && body && body !== title ? `${title}\n\n${body}` : (body ?? title);
  if (!text) return { ok: false, error: 'no feedback text (title and text are both empty)' };

  let receivedAt: string | null = null;
  if (values.receivedAt) {
    const parsed = parseTimestamp(values.receivedAt);
    if (!parsed.ok) return { ok: false, error: `receivedAt: ${parsed.error}` };
    receivedAt = parsed.iso;
  }

  let arr: number | null = null;
  let currency: string | null = values.currency?.trim().toUpperCase() || null;
  if (values.arr) {
    const money = parseMoney(values.arr, currency);
    if (!money.ok) return { ok: false, error: `arr: ${money.error}` };
    arr = money.minor;
    currency = money.currency;
  }

  const contactValues = {
    email: values.email?.trim().toLowerCase() || null,
    name: values.name || null,
    account: values.account || null,
    arr,
    currency: arr === null ? null : currency,
    segment: values.segment || null,
    plan: values.plan || null,
  };
  const hasContact = Object.values(contactValues).some((v) => v !== null);

  return validateIncomingFeedback({
    text,
    product: values.product || null,
    surface: values.surface || null,
    receivedAt,
    source: { channel, externalId: values.externalId || null, url: values.url || null },
    contact: hasContact ? contactValues : null,
  });
}
