import type { Store } from '../../store/database.ts';

export interface LoopSettings {
  smtpUrl: string | null;
  publicUrl: string;
}

/** Outbox delivery, outbound webhooks and impact measurement state (filled in by the close-the-loop work). */
export interface LoopServices {
  settings: LoopSettings;
}

export function createLoopServices(_store: Store, settings: LoopSettings): LoopServices {
  return { settings };
}
