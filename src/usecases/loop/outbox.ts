import { newId } from '../../domain/ids.ts';
import type { OutboxItem } from '../../domain/loop.ts';
import {
  postSignedWebhook,
  SIGNATURE_HEADER,
  signWebhookBody,
  TIMESTAMP_HEADER,
} from '../../integrations/outbound-webhook.ts';
import type { MailSender } from '../../integrations/smtp.ts';
import type { OutboxAttemptsTable, OutboxTable } from '../../store/schema-loop.ts';
import type { Db } from '../context.ts';

/** Retry schedule: 30 s, 1 min, 2 min, … doubling up to 6 h; after 10 failed attempts a message is `failed`. */
export const RETRY = {
  baseMs: 30_000,
  maxDelayMs: 6 * 3_600_000,
  maxAttempts: 10,
  leaseMs: 120_000,
} as const;

/** The delay before attempt `attempts + 1`, after `attempts` failures. */
export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY.baseMs * 2 ** Math.max(0, attempts - 1), RETRY.maxDelayMs);
}

export interface NewOutboxMessage {
  kind: 'email' | 'webhook';
  dedupeKey: string;
  recipient: string;
  subject: string;
  body: string;
  headers?: Record<string, string>;
  contactId?: string | null;
  webhookId?: string | null;
  deployId?: string | null;
  firstFeedbackAt?: string | null;
}

/**
 * Adds a message to the outbox unless one with the same dedupe key exists (one message per
 * purpose, however often the trigger repeats). Returns whether it was added.
 */
export async function enqueueMessage(db: Db, message: NewOutboxMessage, now: string): Promise<boolean> {
  const result = await db
    .insertInto('outbox')
    .values({
      id: newId(),
      kind: message.kind,
      dedupe_key: message.dedupeKey,
      recipient: message.recipient,
      subject: message.subject,
      body: message.body,
      headers_json: JSON.stringify(message.headers ?? {}),
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      locked_until: null,
      last_error: null,
      last_attempt_at: null,
      sent_at: null,
      created_at: now,
      contact_id: message.contactId ?? null,
      webhook_id: message.webhookId ?? null,
      deploy_id: message.deployId ?? null,
      first_feedback_at: message.firstFeedbackAt ?? null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface DeliveryReport {
  attempted: number;
  sent: number;
  failed: number;
  /** Emails left waiting because SMTP_URL is not set. */
  waiting: number;
}

export interface DeliveryChannels {
  /** null: SMTP_URL is unset, emails wait in the outbox. */
  mail: MailSender | null;
  webhookTimeoutMs: number;
}

interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  cancelled?: boolean;
}

async function attemptEmail(db: Db, row: OutboxTable, mail: MailSender): Promise<AttemptOutcome> {
  if (row.contact_id) {
    const sub = await db
      .selectFrom('contact_subscriptions')
      .select('unsubscribed_at')
      .where('contact_id', '=', row.contact_id)
      .executeTakeFirst();
    if (sub?.unsubscribed_at)
      return { ok: false, statusCode: null, error: 'the contact unsubscribed', cancelled: true };
  }
  try {
    await mail.send({
      to: row.recipient,
      subject: row.subject,
      text: row.body,
      headers: JSON.parse(row.headers_json),
    });
    return { ok: true, statusCode: null, error: null };
  } catch (error) {
    return { ok: false, statusCode: null, error: error instanceof Error ? error.message : String(error) };
  }
}

async function attemptWebhook(
  db: Db,
  row: OutboxTable,
  timeoutMs: number,
  now: Date,
): Promise<AttemptOutcome> {
  const hook = row.webhook_id
    ? await db
        .selectFrom('outbound_webhooks')
        .select('secret')
        .where('id', '=', row.webhook_id)
        .executeTakeFirst()
    : undefined;
  if (!hook) return { ok: false, statusCode: null, error: 'the webhook was deleted', cancelled: true };
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers = {
    ...(JSON.parse(row.headers_json) as Record<string, string>),
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: signWebhookBody(hook.secret, timestamp, row.body),
    'x-productos-delivery': row.id,
  };
  return postSignedWebhook(row.recipient, row.body, headers, timeoutMs);
}

/** Claims a row for this worker; false when another worker holds it. */
async function claim(db: Db, id: string, now: string, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ locked_until: leaseUntil })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Sends every message that is due at `now`: emails through SMTP (when configured), webhooks signed
 * with their secret and bounded by a timeout. Each attempt is logged; a failure schedules the next
 * attempt with exponential backoff. Runs outside any request, so a slow receiver blocks nobody.
 */
export async function deliverDueMessages(
  db: Db,
  channels: DeliveryChannels,
  now: Date,
  batch = 100,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { attempted: 0, sent: 0, failed: 0, waiting: 0 };
  const nowIso = now.toISOString();
  let q = db
    .selectFrom('outbox')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', nowIso)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]))
    .orderBy('next_attempt_at')
    .limit(batch);
  if (!channels.mail) {
    const waiting = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'pending')
      .where('kind', '=', 'email')
      .executeTakeFirst();
    report.waiting = Number(waiting?.n ?? 0);
    q = q.where('kind', '!=', 'email');
  }
  const due = await q.execute();
  await Promise.all(
    due.map(async (row) => {
      if (!(await claim(db, row.id, nowIso, new Date(now.getTime() + RETRY.leaseMs).toISOString()))) return;
      report.attempted++;
      const started = performance.now();
      const outcome =
        row.kind === 'email' && channels.mail
          ? await attemptEmail(db, row, channels.mail)
          : await attemptWebhook(db, row, channels.webhookTimeoutMs, now);
      const attempts = row.attempts + 1;
      const attempt: OutboxAttemptsTable = {
        id: newId(),
        outbox_id: row.id,
        at: nowIso,
        ok: outcome.ok ? 1 : 0,
        status_code: outcome.statusCode,
        error: outcome.error?.slice(0, 1000) ?? null,
        duration_ms: Math.round(performance.now() - started),
      };
      await db.insertInto('outbox_attempts').values(attempt).execute();
      const giveUp = !outcome.ok && (outcome.cancelled || attempts >= RETRY.maxAttempts);
      if (outcome.ok) report.sent++;
      else report.failed++;
      await db
        .updateTable('outbox')
        .set({
          attempts,
          last_attempt_at: nowIso,
          locked_until: null,
          last_error: outcome.ok ? null : attempt.error,
          status: outcome.ok ? 'sent' : giveUp ? (outcome.cancelled ? 'cancelled' : 'failed') : 'pending',
          sent_at: outcome.ok ? nowIso : null,
          next_attempt_at:
            outcome.ok || giveUp ? nowIso : new Date(now.getTime() + retryDelayMs(attempts)).toISOString(),
        })
        .where('id', '=', row.id)
        .execute();
    }),
  );
  return report;
}

/** An outbox row as builders see it (no body: it may quote customers). */
export function presentOutboxItem(row: OutboxTable, log?: OutboxAttemptsTable[]): OutboxItem {
  return {
    id: row.id,
    kind: row.kind as OutboxItem['kind'],
    recipient: row.recipient,
    subject: row.subject,
    status: row.status as OutboxItem['status'],
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastError: row.last_error,
    lastAttemptAt: row.last_attempt_at,
    sentAt: row.sent_at,
    createdAt: row.created_at,
    deployId: row.deploy_id,
    webhookId: row.webhook_id,
    ...(log
      ? {
          attemptLog: log.map((a) => ({
            at: a.at,
            ok: a.ok === 1,
            statusCode: a.status_code,
            error: a.error,
            durationMs: a.duration_ms,
          })),
        }
      : {}),
  };
}
