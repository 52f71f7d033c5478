/**
 * The one configuration module. Every setting comes from the environment, is parsed
 * once by ZEnvSchema, and reaches the rest of the code as a typed `Config`.
 * A bad value stops start-up with a message naming the variable and the problem.
 */
import { z } from 'zod';

const ZBoolSchema = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const ZUrlSchema = (protocols: string[]) =>
  z.url().refine((u) => protocols.some((p) => u.startsWith(`${p}://`)), {
    message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
  });

export const ZEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  // HTTP API
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: ZUrlSchema(['http', 'https']).optional(),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  /** Secret for the signed links sent to candidates (offer page, tracking pixel, portal). */
  LINK_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Failed authentications a client address may make per minute before it gets 429. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /**
   * Proxies whose X-Forwarded-For to believe: 'false' (none, the default), 'true' (any:
   * only behind a proxy that overwrites the header), a hop count, or addresses/CIDRs.
   */
  TRUST_PROXY: z.string().min(1).default('false'),

  // Database: PostgreSQL when set, otherwise the embedded PGlite under DATA_DIR.
  DATABASE_URL: ZUrlSchema(['postgres', 'postgresql']).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('.data'),

  // Temporal
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('hiring'),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  /**
   * How long an API request waits for Temporal (start, query, update, signal) before it
   * answers 503; the caller retries with the same Idempotency-Key, which reaches the same
   * workflow or Update.
   */
  TEMPORAL_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /**
   * How often the API tells workflows of e-mail opens Temporal did not take when they
   * happened (it was down); 0 turns the sweep off.
   */
  OPEN_SIGNAL_RETRY_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /**
   * Record a stack trace for every promise a workflow creates, for the `__stack_trace`
   * query (the Temporal UI's "Stack Trace" tab). Off by default: it costs CPU on every
   * activation and replay and memory for every pending promise (bench/RESULTS.md).
   */
  WORKFLOW_STACK_TRACES: ZBoolSchema.default(false),
  /** A workflow bundle built by `npm run build:workflows`; unset: the worker bundles workflows/ at start-up. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  METRICS_BIND: z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port')
    .optional(),

  // Onboarding documents: a local directory by default (DATA_DIR/documents).
  DOCUMENTS_DIR: z.string().min(1).optional(),
  DOCUMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(5 * 1024 * 1024),

  // Integrations
  /** After POST /v1/webhooks/:id/rotate-secret, how long the old secret still signs beside the new one. */
  WEBHOOK_SECRET_OVERLAP_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  /** How long GET /v1/events keeps events (the API purges older ones hourly). */
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),

  // Messaging
  SMTP_URL: ZUrlSchema(['smtp', 'smtps']).optional(),
  MAIL_FROM: z.string().min(3).default('Hiring <hiring@example.com>'),
  SMS_GATEWAY_URL: ZUrlSchema(['http', 'https']).optional(),
  SMS_GATEWAY_KEY: z.string().min(1).optional(),

  // Demo
  SEED_DEMO: ZBoolSchema.default(false),
});

export type Env = z.infer<typeof ZEnvSchema>;

export interface Config extends Env {
  /** Base URL for links sent to people (offer pages, pixels). */
  publicUrl: string;
  /** Secret used to sign candidate links; generated per data dir in dev if unset. */
  linkSigningSecret: string | undefined;
  documentsDir: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError listing every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as shells and .env files commonly produce them.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ZEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.SMS_GATEWAY_URL && !env.SMS_GATEWAY_KEY) {
    throw new ConfigError('Invalid configuration:\n  SMS_GATEWAY_KEY: required when SMS_GATEWAY_URL is set');
  }
  return {
    ...env,
    publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`).replace(/\/$/, ''),
    linkSigningSecret: env.LINK_SIGNING_SECRET,
    documentsDir: env.DOCUMENTS_DIR ?? `${env.DATA_DIR.replace(/\/$/, '')}/documents`,
  };
}

/**
 * For process entry points: the configuration, or a message naming each bad variable
 * and exit code 2. `requireDatabaseUrl` names the process that needs PostgreSQL.
 */
export function loadConfigOrExit(opts: { requireDatabaseUrl?: string } = {}): Config {
  try {
    const config = loadConfig();
    if (opts.requireDatabaseUrl && !config.DATABASE_URL) {
      throw new ConfigError(
        `Invalid configuration:\n  DATABASE_URL: required when ${opts.requireDatabaseUrl} runs as its own process (the embedded database only lives inside \`npm start\`)`,
      );
    }
    if (opts.requireDatabaseUrl && !config.linkSigningSecret) {
      throw new ConfigError(
        `Invalid configuration:\n  LINK_SIGNING_SECRET: required when ${opts.requireDatabaseUrl} runs as its own process (it signs candidate links; API and worker must share it)`,
      );
    }
    return config;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}
