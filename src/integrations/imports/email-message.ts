import { simpleParser } from 'mailparser';
import type { FeedbackChannel } from '../incoming-feedback.ts';
import { validateIncomingFeedback } from '../incoming-feedback.ts';
import { cleanEmailBody, cleanSubject } from './email-body.ts';

export type EmailParseResult = ReturnType<typeof validateIncomingFeedback>;

/**
 * Parses one RFC 5322 message into IncomingFeedback (channel "email"):
 * text = cleaned subject + cleaned body (HTML-only mails are converted to text by
 * mailparser; signatures and quoted replies are trimmed; attachments are ignored),
 * externalId = Message-ID, receivedAt = Date, contact = From.
 * A message cut off mid-headers or before its closing MIME boundary is rejected:
 * parsing it anyway would import half a message with a possibly wrong date.
 */
export async function parseEmailMessage(
  raw: Uint8Array,
  channel: FeedbackChannel = 'email',
): Promise<EmailParseResult> {
  const damage = findTruncation(raw);
  if (damage) return { ok: false, error: damage };

  let mail: Awaited<ReturnType<typeof simpleParser>>;
  try {
    mail = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
    });
  } catch (error) {
    return {
      ok: false,
      error: `unreadable message: ${error instanceof Error ? error.message : String(error)}`,
    };
  }

  const sender = mail.from?.value[0];
  if (!sender?.address) return { ok: false, error: 'message has no From address' };

  const subject = cleanSubject(mail.subject);
  const body = cleanEmailBody(mail.text ?? '');
  const text = subject && body ? `${subject}\n\n${body}` : body || subject;
  if (!text) return { ok: false, error: 'message has no text (empty subject and body)' };

  const date = mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null;
  return validateIncomingFeedback({
    text,
    receivedAt: date,
    source: { channel, externalId: mail.messageId ?? null, url: null },
    contact: { email: sender.address.trim().toLowerCase(), name: sender.name?.trim() || null },
  });
}

const HEADER_END = /\r?\n\r?\n/;

/** Detects the two ways a cut-off message shows: headers never end, or a multipart never closes. */
export function findTruncation(raw: Uint8Array): string | null {
  // latin1 keeps a 1:1 byte mapping, which is all we need to look at ASCII structure.
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  if (text.trim() === '') return 'empty message';
  const end = HEADER_END.exec(text);
  if (!end) return 'message is truncated: the headers never end (no blank line before the body)';
  const headers = text.slice(0, end.index).replace(/\r?\n[ \t]+/g, ' ');
  const contentType = /^content-type:\s*multipart\/[^\n]*/im.exec(headers);
  if (contentType) {
    const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType[0]);
    const value = boundary?.[1] ?? boundary?.[2];
    if (!value) return 'malformed message: multipart without a boundary';
    if (!text.includes(`--${value}--`, end.index)) {
      return 'message is truncated: the multipart body ends before its closing boundary';
    }
  }
  return null;
}
