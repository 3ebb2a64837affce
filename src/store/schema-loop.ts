/** Tables of brainstorm → decide → ship → close the loop: outbox, webhooks, impact. */

/** A message waiting to leave (email or signed webhook): retried with backoff until sent or given up. */
export interface OutboxTable {
  id: string;
  /** 'email' | 'webhook' */
  kind: string;
  /** Unique: one message per purpose (e.g. one per contact per deploy). */
  dedupe_key: string;
  /** Email address or webhook URL. */
  recipient: string;
  subject: string;
  body: string;
  /** Extra headers (JSON object of strings). */
  headers_json: string;
  /** 'pending' | 'sent' | 'failed' | 'cancelled' */
  status: string;
  attempts: number;
  next_attempt_at: string;
  /** A worker's claim on the row, so two processes never send it twice at once. */
  locked_until: string | null;
  last_error: string | null;
  last_attempt_at: string | null;
  sent_at: string | null;
  created_at: string;
  contact_id: string | null;
  webhook_id: string | null;
  deploy_id: string | null;
  /** For the loop's cycle time: when the requester first asked (deploy notifications). */
  first_feedback_at: string | null;
}

/** One delivery attempt of an outbox message: the delivery log. */
export interface OutboxAttemptsTable {
  id: string;
  outbox_id: string;
  at: string;
  ok: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** An admin's subscription of a URL to event types, signed with its secret. */
export interface OutboundWebhooksTable {
  id: string;
  url: string;
  events_json: string;
  /** Kept as issued: signing needs the secret itself. */
  secret: string;
  created_by: string | null;
  created_at: string;
}

/** A contact's unsubscribe token, and whether they used it. */
export interface ContactSubscriptionsTable {
  contact_id: string;
  token: string;
  unsubscribed_at: string | null;
  created_at: string;
}

/** The latest impact measurement of one deployed improvement on one addressed pattern. */
export interface ImpactMeasurementsTable {
  improvement_id: string;
  pattern_id: string;
  deploy_id: string;
  computed_at: string;
  verdict: string;
  result_json: string;
  /** When the verdict first became fixed (the pattern was resolved then). */
  fixed_at: string | null;
  /** When the pattern was found coming back after being fixed. */
  recurring_at: string | null;
}

export interface LoopTables {
  outbox: OutboxTable;
  outbox_attempts: OutboxAttemptsTable;
  outbound_webhooks: OutboundWebhooksTable;
  contact_subscriptions: ContactSubscriptionsTable;
  impact_measurements: ImpactMeasurementsTable;
}
