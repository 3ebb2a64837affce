import nodemailer, { type Transporter } from 'nodemailer';

/** One outgoing email, as the outbox stores it. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
}

export interface MailSender {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * An SMTP sender for `SMTP_URL` (`smtp://user:pass@host:port`, `smtps://…`; `?from=` sets the sender,
 * default `productos@<host>`). Timeouts are short: a dead server must fail the attempt quickly and
 * leave the message in the outbox for the next retry.
 */
export function createSmtpSender(smtpUrl: string, timeoutMs = 10_000): MailSender {
  const url = new URL(smtpUrl);
  const from = url.searchParams.get('from') ?? `productOS <productos@${url.hostname}>`;
  url.searchParams.delete('from');
  const transport: Transporter = nodemailer.createTransport({
    url: url.toString(),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // Local and test servers often have no certificate; STARTTLS is still used when offered.
    tls: { rejectUnauthorized: url.hostname !== '127.0.0.1' && url.hostname !== 'localhost' },
  });
  return {
    async send(message) {
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        headers: message.headers,
      });
    },
    close: () => transport.close(),
  };
}
