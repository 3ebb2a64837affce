/**
 * Configuration is read from the environment exactly once, at start, into a typed object that is
 * passed down. Nothing else in the code reads process.env.
 */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  publicUrl: string;
  adminEmail: string | null;
  adminPassword: string | null;
  smtpUrl: string | null;
  githubWebhookSecret: string | null;
  logLevel: string;
  /** OpenAI-compatible embeddings endpoint (base URL or …/embeddings); null = built-in representation only. */
  embeddingsUrl: string | null;
  embeddingsModel: string | null;
  embeddingsApiKey: string | null;
}

/** Thrown for a configuration value that cannot work; main prints it and exits non-zero. */
export class ConfigError extends Error {}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function optional(raw: string | undefined): string | null {
  return raw === undefined || raw.trim() === '' ? null : raw;
}

/** Parses the environment (defaults per README's configuration table). */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = parsePort(env.PORT);
  const host = optional(env.HOST) ?? '127.0.0.1';
  const databaseUrl = optional(env.DATABASE_URL) ?? 'sqlite:./data/productos.db';
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://');
  }
  const adminEmail = optional(env.PRODUCTOS_ADMIN_EMAIL);
  const adminPassword = optional(env.PRODUCTOS_ADMIN_PASSWORD);
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new ConfigError('set both PRODUCTOS_ADMIN_EMAIL and PRODUCTOS_ADMIN_PASSWORD, or neither');
  }
  const embeddingsUrl = optional(env.EMBEDDINGS_URL);
  if (embeddingsUrl && !/^https?:\/\//.test(embeddingsUrl)) {
    throw new ConfigError('EMBEDDINGS_URL must start with http:// or https://');
  }
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    port,
    host,
    databaseUrl,
    publicUrl: (optional(env.PUBLIC_URL) ?? `http://${displayHost}:${port}`).replace(/\/+$/, ''),
    adminEmail,
    adminPassword,
    smtpUrl: optional(env.SMTP_URL),
    githubWebhookSecret: optional(env.GITHUB_WEBHOOK_SECRET),
    logLevel: optional(env.LOG_LEVEL) ?? 'info',
    embeddingsUrl,
    embeddingsModel: embeddingsUrl ? (optional(env.EMBEDDINGS_MODEL) ?? 'text-embedding-3-small') : null,
    embeddingsApiKey: optional(env.EMBEDDINGS_API_KEY),
  };
}

/** The embeddings endpoint settings of a config, or null when none is configured. */
export function embeddingsOf(config: Config): { url: string; model: string; apiKey: string | null } | null {
  return config.embeddingsUrl
    ? {
        url: config.embeddingsUrl,
        model: config.embeddingsModel ?? 'text-embedding-3-small',
        apiKey: config.embeddingsApiKey,
      }
    : null;
}
