import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EnvironmentVariables, validateEnvironment } from './environment';

/** SQLite takes one writer at a time: a few connections keep the embedded database busy. */
const EMBEDDED_POOL_SIZE = 4;
/** The MongoDB driver's own default. */
const DRIVER_POOL_SIZE = 100;

export interface AuthConfig {
  /** Signs and verifies our own HS256 tokens (development, the token CLI) and attachment links. */
  jwtSecret: string;
  /** Where a generated development secret lives, when one is used (reported at start-up). */
  generatedSecretFile?: string;
  /** Our own HS256 tokens are accepted (always, unless an identity provider is configured without AUTH_ALLOW_HS256). */
  acceptHs256: boolean;
  /** The identity provider, when tokens come from one. */
  provider?: IdentityProviderConfig;
}

export interface IdentityProviderConfig {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** The claim holding our user's accountId. */
  accountClaim: string;
  clockSkewSeconds: number;
  jwksCooldownMs: number;
  jwksCacheSeconds: number;
}

export interface ChatConfig {
  maxTextLength: number;
  /** How long after sending its sender may edit a message's text (MESSAGE_EDIT_WINDOW_SECONDS). */
  editWindowMs: number;
  /** Counts whose writes have been pending this long are recounted (a writer died mid-way). */
  countsRepairAfterMs: number;
  /** A position of a change sequence taken but not written this long is skipped by readers (its writer died). */
  syncGapTimeoutMs: number;
  syncPageSize: number;
  /** Sync page reads at once (the rest queue): a storm of syncs leaves the pool to sends and receipts. */
  syncReadsInFlight: number;
}

export interface SocketConfig {
  maxPayloadBytes: number;
  eventsPerSecond: number;
  /** Browser origins allowed for REST (CORS) and for the socket handshake. */
  corsOrigins: string[];
  /** Handshakes whose token and standing are checked at once (the rest queue), so a reconnect storm leaves the pool to sends. */
  handshakesInFlight: number;
  /** A `typing` start without a stop ends after this long (TYPING_EXPIRY_SECONDS): the other party gets the stop. */
  typingExpiryMs: number;
}

export interface RestConfig {
  /** Authenticated REST requests per user per minute. */
  requestsPerMinute: number;
  /** Requests to public routes (no token) per client IP per minute. */
  publicRequestsPerMinute: number;
  /** Invitations a user may send per day (INVITATIONS_PER_DAY). */
  invitationsPerDay: number;
  /** Reports a user may file per day (REPORTS_PER_DAY). */
  reportsPerDay: number;
}

export interface PushConfig {
  /** FCM credentials: a service-account JSON, or Google's application-default credentials. None: the recording provider. */
  serviceAccountJson?: string;
  useApplicationDefault: boolean;
  http1: boolean;
  /** The Android notification channel of message pushes (PUSH_ANDROID_CHANNEL_ID). */
  androidChannelId: string;
  /** How long a REST Add waits for FCM before answering without fcmResponse (the push stays queued). */
  sendTimeoutMs: number;
  maxAttempts: number;
  workerIntervalMs: number;
  lockMs: number;
  /** Readiness says `degraded` past this wait of the oldest due push. */
  readyMaxWaitMs: number;
}

/** Where attachment bytes live. */
export type AttachmentStorageConfig =
  | { kind: 'local'; directory: string }
  | { kind: 's3'; bucket: string; endpoint?: string; region: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean };

export interface AttachmentsConfig {
  storage: AttachmentStorageConfig;
  maxBytes: number;
  /** MIME types the sniffed bytes may be. */
  allowedTypes: string[];
  urlTtlSeconds: number;
  /** An upload never sent in a message is removed after this long. */
  unsentTtlMs: number;
  sweepIntervalMs: number;
  /** Absolute URLs start with this; relative URLs (to the API) without. */
  publicUrl?: string;
}

/** Data rights (docs/security.md, "Data rights"): exports, erasure, retention. */
export interface PrivacyConfig {
  /** How long a ready export archive is kept (DATA_EXPORT_TTL_HOURS). */
  exportTtlMs: number;
  /** How long after a user asks their erasure is carried out (ERASURE_GRACE_DAYS); they may cancel meanwhile. */
  erasureGraceMs: number;
  /** Asking for erasure takes a sign-in at most this old (ERASURE_REAUTH_SECONDS). */
  erasureReauthMs: number;
  /** How often the worker looks for exports to make and erasures due (PRIVACY_WORKER_INTERVAL_MS). */
  workerIntervalMs: number;
  /** Messages older than this are erased everywhere (MESSAGE_RETENTION_DAYS); unset: kept. */
  messageRetentionMs?: number;
  /** How often retention looks for expired messages (RETENTION_SWEEP_INTERVAL_MS). */
  retentionSweepIntervalMs: number;
}

export type AppConfigValues = Omit<AppConfig, 'with'>;

/** The typed, validated configuration every module reads. Built once at start-up. */
export class AppConfig {
  readonly nodeEnv: EnvironmentVariables['NODE_ENV'];
  readonly port: number;
  readonly host: string;
  readonly mongodbUri?: string;
  readonly dataDir: string;
  readonly toolsDir: string;
  readonly ferretdbBin?: string;
  /** The embedded database's commits: `normal` survives any process crash, `full` a power cut too. */
  readonly embeddedDbSynchronous?: 'normal' | 'full';
  readonly auth: AuthConfig;
  readonly logLevel: EnvironmentVariables['LOG_LEVEL'];
  readonly bodyLimitBytes: number;
  readonly mongodbServerSelectionTimeoutMs: number;
  /** How long a call waits for the database's answer (MONGODB_SOCKET_TIMEOUT_MS); opening a connection (MONGODB_CONNECT_TIMEOUT_MS). */
  readonly mongodbSocketTimeoutMs?: number;
  readonly mongodbConnectTimeoutMs?: number;
  /** Attempts to reach the database at start-up before the process exits. */
  readonly mongodbConnectAttempts?: number;
  /** Connections to the database (MONGODB_MAX_POOL_SIZE); unset: 4 for the embedded FerretDB, the driver's default (100) with MONGODB_URI. */
  readonly mongodbMaxPoolSize: number;
  /** Emit the driver's command-monitoring events (the test suite's query auditor listens to them). */
  readonly mongodbMonitorCommands?: boolean;
  /**
   * The database watchdog (libs/dal DatabaseWatchdog): how often it pings, and how long the pings may
   * fail before it opens the connection anew. Defaults 5 s and 20 s; the tests shorten them.
   */
  readonly mongodbWatchdog?: { intervalMs: number; stuckAfterMs: number };
  readonly chat: ChatConfig;
  readonly socket: SocketConfig;
  readonly rest: RestConfig;
  readonly push: PushConfig;
  /** SIGTERM: serve this long with readiness failing, and exit by the deadline (both from the signal). */
  readonly shutdown?: { drainMs: number; deadlineMs: number };
  /** Proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES). */
  readonly trustedProxies?: string[];
  /** Prometheus metrics on a listener of their own (METRICS_PORT; 0: any free port, as tests use). */
  readonly metrics?: { port: number; host: string };
  readonly attachments: AttachmentsConfig;
  readonly privacy: PrivacyConfig;
  /** With a URL: several processes share socket rooms, presence and rate limits through Redis. */
  readonly redis?: { url: string; keyPrefix: string };
  /** Serve the demo web client at /demo (DEMO_PAGE; on unless NODE_ENV=production). */
  readonly demoPage: boolean;
  /** Where logs go (standard output unless a test captures them). */
  readonly logStream?: NodeJS.WritableStream;

  constructor(values: AppConfigValues) {
    Object.assign(this, values);
  }

  static fromEnvironment(raw: NodeJS.ProcessEnv = process.env): AppConfig {
    const env = validateEnvironment(raw);
    const dataDir = resolve(env.DATA_DIR);
    const poolSize = env.MONGODB_MAX_POOL_SIZE ?? (env.MONGODB_URI ? DRIVER_POOL_SIZE : EMBEDDED_POOL_SIZE);
    // A quarter of the pool each for a reconnect storm's page reads and handshakes: the rest is left
    // to sends and receipts (docs/decisions.md).
    const stormShare = Math.max(1, Math.floor(poolSize / 4));
    return new AppConfig({
      nodeEnv: env.NODE_ENV,
      port: env.PORT,
      host: env.HOST,
      mongodbUri: env.MONGODB_URI,
      dataDir,
      toolsDir: resolve(env.TOOLS_DIR),
      ferretdbBin: env.FERRETDB_BIN,
      embeddedDbSynchronous: env.EMBEDDED_DB_SYNCHRONOUS,
      auth: {
        ...(env.AUTH_JWT_SECRET ? { jwtSecret: env.AUTH_JWT_SECRET } : developmentSecret(dataDir)),
        acceptHs256: !env.AUTH_JWKS_URL || env.AUTH_ALLOW_HS256 === 'true',
        provider: env.AUTH_JWKS_URL
          ? {
              jwksUrl: env.AUTH_JWKS_URL, issuer: env.AUTH_ISSUER!, audience: env.AUTH_AUDIENCE!, accountClaim: env.AUTH_ACCOUNT_CLAIM,
              clockSkewSeconds: env.AUTH_CLOCK_SKEW_SECONDS, jwksCooldownMs: env.AUTH_JWKS_COOLDOWN_MS, jwksCacheSeconds: env.AUTH_JWKS_CACHE_SECONDS,
            }
          : undefined,
      },
      logLevel: env.LOG_LEVEL,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      mongodbServerSelectionTimeoutMs: env.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
      mongodbSocketTimeoutMs: env.MONGODB_SOCKET_TIMEOUT_MS,
      mongodbConnectTimeoutMs: env.MONGODB_CONNECT_TIMEOUT_MS,
      mongodbConnectAttempts: env.MONGODB_CONNECT_ATTEMPTS,
      mongodbMaxPoolSize: poolSize,
      chat: {
        maxTextLength: env.MESSAGE_TEXT_MAX_LENGTH,
        editWindowMs: env.MESSAGE_EDIT_WINDOW_SECONDS * 1000,
        countsRepairAfterMs: env.COUNTS_REPAIR_AFTER_MS,
        syncGapTimeoutMs: env.SYNC_GAP_TIMEOUT_MS,
        syncPageSize: env.SYNC_PAGE_SIZE,
        syncReadsInFlight: env.SYNC_READS_IN_FLIGHT ?? stormShare,
      },
      socket: {
        maxPayloadBytes: env.SOCKET_MAX_PAYLOAD_BYTES,
        eventsPerSecond: env.SOCKET_EVENTS_PER_SECOND,
        corsOrigins: env.CORS_ORIGINS,
        handshakesInFlight: env.SOCKET_HANDSHAKES_IN_FLIGHT ?? stormShare,
        typingExpiryMs: env.TYPING_EXPIRY_SECONDS * 1000,
      },
      rest: {
        requestsPerMinute: env.REST_REQUESTS_PER_MINUTE,
        publicRequestsPerMinute: env.REST_PUBLIC_REQUESTS_PER_MINUTE,
        invitationsPerDay: env.INVITATIONS_PER_DAY,
        reportsPerDay: env.REPORTS_PER_DAY,
      },
      demoPage: env.DEMO_PAGE ? env.DEMO_PAGE === 'on' : env.NODE_ENV !== 'production',
      redis: env.REDIS_URL ? { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX } : undefined,
      push: {
        serviceAccountJson: env.FIREBASE_SERVICE_ACCOUNT_JSON,
        useApplicationDefault: !env.FIREBASE_SERVICE_ACCOUNT_JSON && Boolean(env.GOOGLE_APPLICATION_CREDENTIALS),
        http1: env.PUSH_FCM_HTTP1 === 'true',
        androidChannelId: env.PUSH_ANDROID_CHANNEL_ID,
        sendTimeoutMs: env.PUSH_SEND_TIMEOUT_MS,
        maxAttempts: env.PUSH_MAX_ATTEMPTS,
        workerIntervalMs: env.PUSH_WORKER_INTERVAL_MS,
        lockMs: env.PUSH_LOCK_MS,
        readyMaxWaitMs: env.PUSH_READY_MAX_WAIT_MS,
      },
      shutdown: { drainMs: env.SHUTDOWN_DRAIN_MS, deadlineMs: env.SHUTDOWN_DEADLINE_MS },
      trustedProxies: env.TRUSTED_PROXIES,
      metrics: env.METRICS_PORT === undefined ? undefined : { port: env.METRICS_PORT, host: env.METRICS_HOST },
      attachments: {
        storage:
          env.ATTACHMENT_STORAGE === 's3'
            ? {
                kind: 's3',
                bucket: env.S3_BUCKET!,
                endpoint: env.S3_ENDPOINT,
                region: env.S3_REGION,
                accessKeyId: env.S3_ACCESS_KEY_ID,
                secretAccessKey: env.S3_SECRET_ACCESS_KEY,
                forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
              }
            : { kind: 'local', directory: join(dataDir, 'attachments') },
        maxBytes: env.ATTACHMENT_MAX_BYTES,
        allowedTypes: env.ATTACHMENT_ALLOWED_TYPES,
        urlTtlSeconds: env.ATTACHMENT_URL_TTL_SECONDS,
        unsentTtlMs: env.ATTACHMENT_UNSENT_TTL_MS,
        sweepIntervalMs: env.ATTACHMENT_SWEEP_INTERVAL_MS,
        publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
      },
      privacy: {
        exportTtlMs: env.DATA_EXPORT_TTL_HOURS * 3600 * 1000,
        erasureGraceMs: env.ERASURE_GRACE_DAYS * 24 * 3600 * 1000,
        erasureReauthMs: env.ERASURE_REAUTH_SECONDS * 1000,
        workerIntervalMs: env.PRIVACY_WORKER_INTERVAL_MS,
        messageRetentionMs: env.MESSAGE_RETENTION_DAYS === undefined ? undefined : env.MESSAGE_RETENTION_DAYS * 24 * 3600 * 1000,
        retentionSweepIntervalMs: env.RETENTION_SWEEP_INTERVAL_MS,
      },
    });
  }

  /** A copy with some values replaced (tests, CLIs). */
  with(overrides: Partial<AppConfigValues>): AppConfig {
    return new AppConfig({ ...this, ...overrides });
  }
}

/**
 * Outside production a missing secret is generated once and kept under DATA_DIR, so the server,
 * `npm run token` and `npm run seed` agree across restarts.
 */
function developmentSecret(dataDir: string): Pick<AuthConfig, 'jwtSecret' | 'generatedSecretFile'> {
  const file = join(dataDir, 'dev-jwt-secret');
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return { jwtSecret: readFileSync(file, 'utf8').trim(), generatedSecretFile: file };
}

/** A database URI fit for a log line: host, port and database, never a user or password. */
export function withoutCredentials(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/]*@/, '$1');
}
