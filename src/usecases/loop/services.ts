import { DEFAULT_IMPACT_SETTINGS, type ImpactSettings } from '../../domain/impact.ts';
import { createSmtpSender, type MailSender } from '../../integrations/smtp.ts';
import type { Store } from '../../store/database.ts';
import type { Deps } from '../context.ts';
import { measureAll } from './impact.ts';
import { type DeliveryReport, deliverDueMessages } from './outbox.ts';

export interface LoopSettings {
  /** SMTP_URL; null: emails wait in the outbox, visible at GET /api/v1/outbox. */
  smtpUrl: string | null;
  publicUrl: string;
  /** How long a webhook receiver may take before the attempt counts as failed. */
  webhookTimeoutMs?: number;
  /** How often the server's background worker delivers and re-measures. */
  workerIntervalMs?: number;
  impact?: Partial<ImpactSettings>;
}

/** Outbox delivery, outbound webhooks and impact measurement. */
export interface LoopServices {
  /** Mutable: tests point `smtpUrl` at their own server. */
  settings: LoopSettings;
  readonly impactSettings: ImpactSettings;
  /** Sends every outbox message due at `now` (tests pass their clock's time). */
  deliverDue(now?: Date): Promise<DeliveryReport>;
  /** Re-measures the impact of every deployed improvement (resolves, verifies, reopens). */
  measureAll(now?: Date): Promise<number>;
  /** Closes SMTP connections. */
  close(): void;
}

/** Builds the loop's services; `deps` is read lazily because the services are part of it. */
export function createLoopServices(_store: Store, settings: LoopSettings, deps: () => Deps): LoopServices {
  let sender: { url: string; mail: MailSender } | null = null;
  const mailFor = (url: string | null): MailSender | null => {
    if (!url) return null;
    if (sender?.url !== url) {
      sender?.mail.close();
      sender = { url, mail: createSmtpSender(url, 5_000) };
    }
    return sender.mail;
  };
  const services: LoopServices = {
    settings,
    get impactSettings() {
      return { ...DEFAULT_IMPACT_SETTINGS, ...settings.impact };
    },
    async deliverDue(now) {
      const d = deps();
      return deliverDueMessages(
        d.store.db,
        { mail: mailFor(settings.smtpUrl), webhookTimeoutMs: settings.webhookTimeoutMs ?? 10_000 },
        now ?? d.clock(),
      );
    },
    async measureAll(now) {
      const d = deps();
      return measureAll(d, now ?? d.clock());
    },
    close() {
      sender?.mail.close();
      sender = null;
    },
  };
  return services;
}
