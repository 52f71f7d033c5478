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

  // Messaging
  SMTP_URL: ZUrlSchema(['smtp', 'smtps']).optional(),
  MAIL_FROM: z.string().min(3).default('Hiring <hiring@example.com>'),
  SMS_GATEWAY_URL: ZUrlSchema(['http', 'https']).optional(),
  SMS_GATEWAY_KEY: z.string().min(1).optional(),

  /**
   * Keys that encrypt what Temporal stores (payload codec, privacy/codec.ts) and wrap each
   * application's data key: `id:base64` (32 bytes each), comma-separated; the first encrypts,
   * the others still decrypt (rotation, docs/personal-data.md).
   */
  PAYLOAD_KEYS: z.string().min(1).optional(),
  /** The Temporal UI's origin, allowed (CORS) to call the codec server at /codec/*. */
  CODEC_CORS_ORIGIN: ZUrlSchema(['http', 'https']).optional(),

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
  /** PAYLOAD_KEYS parsed; unset, Temporal stores payloads in plain JSON (tests of old behaviour only). */
  payloadKeys: TPayloadKeys | undefined;
}

export interface TPayloadKeys {
  /** The key that encrypts new payloads and wraps new data keys. */
  activeId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/**
 * Parses PAYLOAD_KEYS (`id:base64,id:base64`, the first active). Returns the problems
 * instead of throwing, so loadConfig can name the variable with every other bad one.
 */
export function parsePayloadKeys(raw: string): { keys?: TPayloadKeys; problems: string[] } {
  const problems: string[] = [];
  const keys = new Map<string, Buffer>();
  const entries = raw.split(',').map((e) => e.trim());
  entries.forEach((entry, i) => {
    const m = /^([A-Za-z0-9_.-]{1,40}):([A-Za-z0-9+/=_-]+)$/.exec(entry);
    if (!m) {
      problems.push(`entry ${i + 1} must be <id>:<base64 key>, the id of letters, digits, '.', '_' or '-' (at most 40)`);
      return;
    }
    const [, id, b64] = m as unknown as [string, string, string];
    const key = Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64');
    if (key.length !== 32) problems.push(`key '${id}' is ${key.length} bytes; AES-256 needs 32 (openssl rand -base64 32)`);
    else if (keys.has(id)) problems.push(`key id '${id}' appears twice`);
    else keys.set(id, key);
  });
  if (problems.length) return { problems };
  return { keys: { activeId: entries[0]!.split(':')[0]!, keys }, problems };
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
  const payloadKeys = env.PAYLOAD_KEYS ? parsePayloadKeys(env.PAYLOAD_KEYS) : undefined;
  if (payloadKeys?.problems.length) {
    throw new ConfigError(`Invalid configuration:\n${payloadKeys.problems.map((p) => `  PAYLOAD_KEYS: ${p}`).join('\n')}`);
  }
  return {
    ...env,
    publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`).replace(/\/$/, ''),
    linkSigningSecret: env.LINK_SIGNING_SECRET,
    documentsDir: env.DOCUMENTS_DIR ?? `${env.DATA_DIR.replace(/\/$/, '')}/documents`,
    payloadKeys: payloadKeys?.keys,
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
    if (opts.requireDatabaseUrl && !config.payloadKeys) {
      throw new ConfigError(
        `Invalid configuration:\n  PAYLOAD_KEYS: required when ${opts.requireDatabaseUrl} runs as its own process (it encrypts candidates' data in Temporal; API and worker must share it)`,
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
