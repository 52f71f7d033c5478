/**
 * The one configuration module. Every setting comes from the environment, is parsed
 * once by ZEnvSchema, and reaches the rest of the code as a typed `Config`.
 * A bad value stops start-up with a message naming the variable and the problem.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseCidrList } from './shared/networks';

const ZBoolSchema = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A lifetime: `<n>s`, `<n>m`, `<n>h` or `<n>d`, parsed to milliseconds. */
const LIFETIME_UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const ZLifetimeSchema = z
  .string()
  .regex(/^\d{1,6}[smhd]$/, 'must be <n>s, <n>m, <n>h or <n>d (e.g. 30m, 12h)')
  .transform((v) => Number(v.slice(0, -1)) * LIFETIME_UNIT_MS[v.slice(-1) as keyof typeof LIFETIME_UNIT_MS])
  .refine((ms) => ms >= 60_000, 'must be at least 1m');

/** An OIDC issuer: https, or http on a loopback address (a local test provider). */
const ZIssuerSchema = z.url().refine(
  (u) => {
    // (zod runs refinements after a failed z.url() too)
    if (!URL.canParse(u)) return true;
    const url = new URL(u);
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  },
  { message: 'must start with https:// (http:// only for localhost or 127.0.0.1)' },
);

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
  /**
   * Redis shared by every API replica: rate limits and failed-authentication counts hold
   * across replicas. Unset: each process counts in its own memory.
   */
  REDIS_URL: ZUrlSchema(['redis', 'rediss']).optional(),
  REDIS_KEY_PREFIX: z.string().min(1).max(64).default('hwe:'),
  /**
   * Load shedding (@fastify/under-pressure): beyond any of these the API answers 503 with
   * Retry-After instead of queueing more work; 0 turns a check off. The event-loop delay is
   * the mean over each sample (1 s); memory limits depend on the machine, so off by default.
   */
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  PRESSURE_MAX_EVENT_LOOP_UTILIZATION: z.coerce.number().min(0).max(1).default(0),
  PRESSURE_MAX_HEAP_USED_BYTES: z.coerce.number().int().min(0).default(0),
  PRESSURE_MAX_RSS_BYTES: z.coerce.number().int().min(0).default(0),
  PRESSURE_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),

  // Staff sign-in (docs/sign-in.md). Lifetimes are operators' settings, not the
  // organisation's: they bound what a stolen cookie is worth, apply to every replica alike
  // and are read without a database round trip.
  /** A browser session ends after this long without a request. */
  SESSION_IDLE_TIMEOUT: ZLifetimeSchema.default(2 * 3_600_000),
  /** A browser session ends this long after sign-in, however active. */
  SESSION_MAX_AGE: ZLifetimeSchema.default(12 * 3_600_000),
  /** Sign-in link requests per client address per minute (the sign-in pages: 3 times as many). */
  SIGN_IN_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** OpenID Connect single sign-on: all three or none. */
  OIDC_ISSUER_URL: ZIssuerSchema.optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),

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
  /**
   * TLS to Temporal (self-hosted clusters behind TLS, Temporal Cloud). On when 'true', or
   * when any TLS file or an API key is given; the CA defaults to the system's trust store.
   */
  TEMPORAL_TLS: ZBoolSchema.optional(),
  /** PEM file of the CA that signed the server's certificate (a private CA). */
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  /** mTLS: PEM files of this client's certificate and private key (both or neither). */
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  /** The name the server's certificate must carry, when it is not the host in TEMPORAL_ADDRESS. */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** An API key (Temporal Cloud), sent as a bearer token; implies TLS. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  /**
   * How long an API request waits for Temporal (start, query, update, signal) before it
   * answers 503; the caller retries with the same Idempotency-Key, which reaches the same
   * workflow or Update.
   */
  TEMPORAL_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /**
   * How long a human action (a workflow Update) may wait for its answer, which comes once
   * the workflow has applied what follows from it (read-your-writes: a letter rendered, an
   * employee made), before the API answers 503; the larger of this and
   * TEMPORAL_RPC_TIMEOUT_MS applies. A slow Temporal is waited for this long; an unreachable
   * one still answers 503 within TEMPORAL_RPC_TIMEOUT_MS (api/workflow-client.ts).
   */
  TEMPORAL_UPDATE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(30_000),
  /**
   * How often the API tells workflows of e-mail opens Temporal did not take when they
   * happened (it was down); 0 turns the sweep off.
   */
  OPEN_SIGNAL_RETRY_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /**
   * Seconds the worker's event loop must be idle before it runs one full collection to hand
   * the memory of its last burst back (ops/idle-gc.ts; needs node's --expose-gc); 0 turns it off.
   */
  WORKER_IDLE_GC_S: z.coerce.number().int().min(0).max(86_400).default(10),
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

  // Onboarding documents are stored in the database; this is where earlier versions kept
  // them on disk (DATA_DIR/documents), read by `npm run documents:import`.
  DOCUMENTS_DIR: z.string().min(1).optional(),
  DOCUMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(5 * 1024 * 1024),
  /**
   * Where documents' bytes go (db/document-store.ts): `postgres` (the default) or `s3`, any
   * S3-compatible object store addressed path-style (`S3_URL/S3_BUCKET/<key>`). Unset with
   * S3_URL set: `s3`.
   */
  DOCUMENT_STORE: z.enum(['postgres', 's3']).optional(),
  S3_URL: ZUrlSchema(['http', 'https']).optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)')
    .optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),

  // Tracing (ops/tracing.ts): OTLP/HTTP export of spans; unset, nothing is traced.
  OTEL_EXPORTER_OTLP_ENDPOINT: ZUrlSchema(['http', 'https']).optional(),
  /** Overrides OTEL_EXPORTER_OTLP_ENDPOINT for traces only (the full URL, `/v1/traces` included). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ZUrlSchema(['http', 'https']).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),

  // Integrations
  /** After POST /v1/webhooks/:id/rotate-secret, how long the old secret still signs beside the new one. */
  WEBHOOK_SECRET_OVERLAP_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  /**
   * CIDR ranges (comma-separated) webhooks may reach although they are loopback, private,
   * link-local, CGNAT or unspecified (e.g. `127.0.0.0/8` for local receivers and tests).
   */
  WEBHOOK_ALLOWED_NETWORKS: z
    .string()
    .transform((v, ctx) => {
      try {
        return parseCidrList(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `${(err as Error).message}; expected comma-separated CIDR ranges, e.g. 127.0.0.0/8,10.1.0.0/16` });
        return z.NEVER;
      }
    })
    .default([]),
  /** How long GET /v1/events keeps events (the API purges older ones hourly). */
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),

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

/** TLS to Temporal, files read and checked: the shape both SDK connections take. */
export interface TemporalTls {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

export interface Config extends Env {
  /** Base URL for links sent to people (offer pages, pixels). */
  publicUrl: string;
  /** Secret used to sign candidate links; generated per data dir in dev if unset. */
  linkSigningSecret: string | undefined;
  documentsDir: string;
  /** DOCUMENT_STORE, or its default: `s3` when S3_URL is set, else `postgres`. */
  documentStore: 'postgres' | 's3';
  /** TLS to Temporal, or undefined for plaintext (the dev server). */
  temporalTls: TemporalTls | undefined;
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

/** The id of the committed key of the encrypted replay fixtures (scripts/harness/replay-fixtures.ts): tests only. */
export const FIXTURE_KEY_ID = 'replay-fixtures-only';

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
  const oidcVars = ['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
  const oidcMissing = oidcVars.filter((k) => env[k] === undefined);
  if (oidcMissing.length > 0 && oidcMissing.length < oidcVars.length) {
    const lines = oidcMissing.map((k) => `  ${k}: required when ${oidcVars.filter((v) => !oidcMissing.includes(v)).join(' and ')} is set`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (env.SESSION_IDLE_TIMEOUT > env.SESSION_MAX_AGE) {
    throw new ConfigError('Invalid configuration:\n  SESSION_IDLE_TIMEOUT: must not be longer than SESSION_MAX_AGE');
  }
  const documentStore = env.DOCUMENT_STORE ?? (env.S3_URL ? 's3' : 'postgres');
  if (documentStore === 's3') {
    const s3Missing = (['S3_URL', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((k) => env[k] === undefined);
    if (s3Missing.length > 0) {
      throw new ConfigError(`Invalid configuration:\n${s3Missing.map((k) => `  ${k}: required when DOCUMENT_STORE is s3`).join('\n')}`);
    }
  }
  const temporalTls = parseTemporalTls(env);
  const payloadKeys = env.PAYLOAD_KEYS ? parsePayloadKeys(env.PAYLOAD_KEYS) : undefined;
  if (payloadKeys?.problems.length) {
    throw new ConfigError(`Invalid configuration:\n${payloadKeys.problems.map((p) => `  PAYLOAD_KEYS: ${p}`).join('\n')}`);
  }
  if (payloadKeys?.keys?.keys.has(FIXTURE_KEY_ID) && env.NODE_ENV !== 'test') {
    throw new ConfigError(`Invalid configuration:\n  PAYLOAD_KEYS: '${FIXTURE_KEY_ID}' is the replay fixtures' published test key; generate your own (openssl rand -base64 32)`);
  }
  return {
    ...env,
    publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`).replace(/\/$/, ''),
    linkSigningSecret: env.LINK_SIGNING_SECRET,
    documentsDir: env.DOCUMENTS_DIR ?? `${env.DATA_DIR.replace(/\/$/, '')}/documents`,
    documentStore,
    temporalTls,
    payloadKeys: payloadKeys?.keys,
  };
}

/** Reads a PEM file named by `variable`, or names the variable and what is wrong with it. */
function readPem(variable: string, file: string, what: 'certificate' | 'private key'): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((e as Error).message.split('\n')[0] ?? 'unreadable');
    throw new ConfigError(`Invalid configuration:\n  ${variable}: cannot read ${file} (${why})`);
  }
  const block = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
  const ok = what === 'certificate' ? block === 'CERTIFICATE' : block !== undefined && /PRIVATE KEY$/.test(block);
  if (!ok) throw new ConfigError(`Invalid configuration:\n  ${variable}: ${file} holds no PEM ${what}`);
  return Buffer.from(text);
}

function parseTemporalTls(env: Env): TemporalTls | undefined {
  const files = [env.TEMPORAL_TLS_CA_PATH, env.TEMPORAL_TLS_CERT_PATH, env.TEMPORAL_TLS_KEY_PATH, env.TEMPORAL_TLS_SERVER_NAME];
  const wanted = env.TEMPORAL_TLS ?? (files.some(Boolean) || Boolean(env.TEMPORAL_API_KEY));
  if (!wanted) {
    if (files.some(Boolean) || env.TEMPORAL_API_KEY) {
      throw new ConfigError('Invalid configuration:\n  TEMPORAL_TLS: false, but TLS files or TEMPORAL_API_KEY are set (an API key is only ever sent over TLS)');
    }
    return undefined;
  }
  if (Boolean(env.TEMPORAL_TLS_CERT_PATH) !== Boolean(env.TEMPORAL_TLS_KEY_PATH)) {
    const missing = env.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH';
    throw new ConfigError(`Invalid configuration:\n  ${missing}: required with ${missing === 'TEMPORAL_TLS_KEY_PATH' ? 'TEMPORAL_TLS_CERT_PATH' : 'TEMPORAL_TLS_KEY_PATH'} (mTLS needs the certificate and its key)`);
  }
  return {
    ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(env.TEMPORAL_TLS_CA_PATH ? { serverRootCACertificate: readPem('TEMPORAL_TLS_CA_PATH', env.TEMPORAL_TLS_CA_PATH, 'certificate') } : {}),
    ...(env.TEMPORAL_TLS_CERT_PATH && env.TEMPORAL_TLS_KEY_PATH
      ? {
          clientCertPair: {
            crt: readPem('TEMPORAL_TLS_CERT_PATH', env.TEMPORAL_TLS_CERT_PATH, 'certificate'),
            key: readPem('TEMPORAL_TLS_KEY_PATH', env.TEMPORAL_TLS_KEY_PATH, 'private key'),
          },
        }
      : {}),
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
