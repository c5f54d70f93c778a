import { plainToInstance, Transform } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);
/** What an attachment may be unless ATTACHMENT_ALLOWED_TYPES says otherwise: photos, video, voice notes, documents. */
export const DEFAULT_ATTACHMENT_TYPES = [
  'image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic', 'image/avif',
  'video/mp4', 'video/quicktime', 'video/webm',
  'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/ogg', 'audio/opus', 'audio/wav', 'audio/webm', 'audio/amr',
  'application/pdf', 'application/zip', 'text/plain',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
] as const;

const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable the server reads, with its rule. README.md documents each one;
 * keep the two in step.
 */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGODB_URI must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI?: string;

  @IsString()
  DATA_DIR = './.data';

  @IsString()
  TOOLS_DIR = './.tools';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  FERRETDB_BIN?: string;

  /**
   * How the embedded database commits (SQLite's `synchronous` in WAL mode): `normal`, a commit
   * survives the crash of any process (kill -9 included), and the last commits before a power cut
   * or a kernel crash may be lost; `full`, every commit is on disk first (about half the write rate).
   */
  @IsIn(['normal', 'full'])
  EMBEDDED_DB_SYNCHRONOUS: 'normal' | 'full' = 'normal';

  /**
   * `true` lets NODE_ENV=production run on the embedded FerretDB (one process, one machine's disk)
   * when MONGODB_URI is unset; without it production refuses to start rather than quietly run the
   * development database.
   */
  @IsIn(['true', 'false'])
  EMBEDDED_DB_IN_PRODUCTION: 'true' | 'false' = 'false';

  /**
   * The demo web client at /demo (docs/demo.md): `on` serves it, `off` does not. Unset: on,
   * except with NODE_ENV=production.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['on', 'off'])
  DEMO_PAGE?: 'on' | 'off';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'AUTH_JWT_SECRET must be at least 32 characters' })
  AUTH_JWT_SECRET?: string;

  /**
   * The identity provider's key set (a JWKS URL): RS256, ES256 and EdDSA tokens are verified
   * against it, with key rotation (an unknown `kid` refetches the set) and caching.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'AUTH_JWKS_URL must be an http(s) URL' })
  AUTH_JWKS_URL?: string;

  /** The `iss` the provider's tokens must carry (required with AUTH_JWKS_URL). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  AUTH_ISSUER?: string;

  /** The `aud` the provider's tokens must carry (required with AUTH_JWKS_URL). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  AUTH_AUDIENCE?: string;

  /** The claim of a provider's token that holds our user's `accountId`. */
  @IsString()
  @MinLength(1)
  AUTH_ACCOUNT_CLAIM = 'accountId';

  /** Clock skew allowed on `exp`, `nbf` and `iat` of a provider's token, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  AUTH_CLOCK_SKEW_SECONDS = 30;

  /** The shortest time between two fetches of the key set (a token with an unknown `kid` refetches it). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  AUTH_JWKS_COOLDOWN_MS = 30_000;

  /** How long a fetched key set is trusted before it is fetched again: a key the provider withdrew is refused after at most this. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  AUTH_JWKS_CACHE_SECONDS = 600;

  /** With AUTH_JWKS_URL set: also accept our own HS256 tokens (the token CLI's); refused otherwise. */
  @IsIn(['true', 'false'])
  AUTH_ALLOW_HS256: 'true' | 'false' = 'false';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  BODY_LIMIT_BYTES = 256 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  MONGODB_SERVER_SELECTION_TIMEOUT_MS = 5000;

  /**
   * How long a database call waits for the database's answer (the driver's socketTimeoutMS): a
   * stalled database (connections open, no answers) is a 503 after it (twice it for a call the
   * driver retries). Every call the server makes answers well within it.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  MONGODB_SOCKET_TIMEOUT_MS = 5000;

  /** How long opening a connection (TCP and the handshake) may take. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  MONGODB_CONNECT_TIMEOUT_MS = 5000;

  /** Attempts to reach the database at start-up (each waits MONGODB_SERVER_SELECTION_TIMEOUT_MS), a second apart, before the process exits. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  MONGODB_CONNECT_ATTEMPTS = 12;

  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  MONGODB_MAX_POOL_SIZE?: number;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65_536)
  MESSAGE_TEXT_MAX_LENGTH = 4000;

  /** How long after sending its sender may edit a message's text (seconds; 0: never). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  MESSAGE_EDIT_WINDOW_SECONDS = 15 * 60;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  COUNTS_REPAIR_AFTER_MS = 120_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  SYNC_GAP_TIMEOUT_MS = 2000;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(5000)
  SYNC_PAGE_SIZE = 500;

  /**
   * Sync page reads one process runs at once; more wait their turn, so a reconnect storm cannot
   * fill the database pool ahead of everyone's sends and receipts. Unset: a quarter of
   * MONGODB_MAX_POOL_SIZE (1 on the embedded database, 25 on MongoDB); docs/benchmarks/README.md.
   */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  SYNC_READS_IN_FLIGHT?: number;

  /**
   * Socket handshakes one process checks at once (the token, then the user's standing: a database
   * read); more wait their turn, for the same reason. Unset: a quarter of MONGODB_MAX_POOL_SIZE.
   */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  SOCKET_HANDSHAKES_IN_FLIGHT?: number;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  SOCKET_MAX_PAYLOAD_BYTES = 64 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  SOCKET_EVENTS_PER_SECOND = 50;

  /** A `typing` start without a stop ends after this many seconds (the other party gets the stop). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60)
  TYPING_EXPIRY_SECONDS = 6;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  REST_REQUESTS_PER_MINUTE = 600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  REST_PUBLIC_REQUESTS_PER_MINUTE = 600;

  /** Invitations a user may send per day (adding by phone or account id): not a spam channel. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  INVITATIONS_PER_DAY = 50;

  /** Reports a user may file per day. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  REPORTS_PER_DAY = 20;

  /** Comma-separated browser origins allowed to call the API and open sockets (none: same-origin and non-browser clients only). */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((o) => o.trim()).filter(Boolean) : value))
  @IsArray()
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, { each: true, message: 'CORS_ORIGINS must list origins like https://app.example.com, comma-separated' })
  CORS_ORIGINS: string[] = [];

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Matches(/^[A-Za-z0-9:_-]{1,50}$/, { message: 'REDIS_KEY_PREFIX must be 1 to 50 letters, digits or :_-' })
  REDIS_KEY_PREFIX = 'chat';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  FIREBASE_SERVICE_ACCOUNT_JSON?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  GOOGLE_APPLICATION_CREDENTIALS?: string;

  @IsIn(['true', 'false'])
  PUSH_FCM_HTTP1: 'true' | 'false' = 'false';

  /** The Android notification channel message pushes are posted to (the app creates it). */
  @Matches(/^[A-Za-z0-9_.-]{1,100}$/, { message: 'PUSH_ANDROID_CHANNEL_ID: letters, digits, _ . - (1 to 100)' })
  PUSH_ANDROID_CHANNEL_ID = 'messages';

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  PUSH_SEND_TIMEOUT_MS = 3000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  PUSH_MAX_ATTEMPTS = 8;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  PUSH_WORKER_INTERVAL_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  PUSH_LOCK_MS = 30_000;

  /** Readiness reports `degraded` when the oldest due push has waited longer than this. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  PUSH_READY_MAX_WAIT_MS = 60_000;

  /** How long the server keeps serving after SIGTERM with readiness failing, for the load balancer to stop sending it work. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_DRAIN_MS = 5000;

  /** From SIGTERM, the longest shutdown may take: past it the process exits (1) whatever is unfinished. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  SHUTDOWN_DEADLINE_MS = 25_000;

  /** Prometheus metrics at /metrics on this port, its own listener (unset: not served). Never on the API's port. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  /** The metrics listener's address; keep it on a private network (the figures are not authenticated). */
  @IsString()
  METRICS_HOST = '0.0.0.0';

  /** Comma-separated addresses or CIDR ranges of proxies whose X-Forwarded-For is trusted (none: the peer's address is the client's). */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((o) => o.trim()).filter(Boolean) : value))
  @IsArray()
  @Matches(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, { each: true, message: 'TRUSTED_PROXIES must list IP addresses or CIDR ranges, comma-separated' })
  TRUSTED_PROXIES: string[] = [];

  /** Where attachment bytes live: `local` (files under DATA_DIR/attachments, one process) or `s3` (S3-compatible object storage). */
  @IsIn(['local', 's3'])
  ATTACHMENT_STORAGE: 'local' | 's3' = 'local';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(5 * 1024 * 1024 * 1024)
  ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;

  /** Comma-separated MIME types an attachment's bytes may be (sniffed from them, not taken from the client). */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean) : value))
  @IsArray()
  @Matches(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/, { each: true, message: 'ATTACHMENT_ALLOWED_TYPES must list MIME types like image/jpeg, comma-separated' })
  ATTACHMENT_ALLOWED_TYPES: string[] = [...DEFAULT_ATTACHMENT_TYPES];

  /** How long a signed file or thumbnail URL works. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  ATTACHMENT_URL_TTL_SECONDS = 3600;

  /** An upload never sent in a message is removed after this long. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  ATTACHMENT_UNSENT_TTL_MS = 24 * 3600 * 1000;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  ATTACHMENT_SWEEP_INTERVAL_MS = 10 * 60 * 1000;

  /** How long a ready data export archive is kept, in hours. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30 * 24)
  DATA_EXPORT_TTL_HOURS = 7 * 24;

  /** Days between a user's asking for erasure and its being carried out (they may cancel meanwhile); 0: at once. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(90)
  ERASURE_GRACE_DAYS = 14;

  /** Asking for erasure takes a sign-in (token `auth_time`, else `iat`) at most this many seconds old. */
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(24 * 3600)
  ERASURE_REAUTH_SECONDS = 300;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  PRIVACY_WORKER_INTERVAL_MS = 5000;

  /** Messages (and their attachments) older than this many days are erased everywhere; unset: kept for ever. */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36500)
  MESSAGE_RETENTION_DAYS?: number;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  RETENTION_SWEEP_INTERVAL_MS = 3600 * 1000;

  /** The API's public origin (https://chat.example.com); file URLs are absolute with it, relative to the API without. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[^\s]*)?$/, { message: 'PUBLIC_URL must be an http(s) URL' })
  PUBLIC_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  S3_BUCKET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'S3_ENDPOINT must be an http(s) URL' })
  S3_ENDPOINT?: string;

  @IsString()
  S3_REGION = 'us-east-1';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  @IsIn(['true', 'false'])
  S3_FORCE_PATH_STYLE: 'true' | 'false' = 'true';
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigurationError';
  }
}

/** Validates raw environment variables; the error names every bad variable. */
export function validateEnvironment(raw: NodeJS.ProcessEnv): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  // One line per variable, naming it; values are never echoed (one of them is a secret).
  const problems = validateSync(env).map((e) => {
    const reasons = Object.values(e.constraints ?? {}).map((m) => m.replace(new RegExp(`^${e.property} `), ''));
    return `${e.property}: ${reasons.join('; ')}`;
  });
  if (env.FIREBASE_SERVICE_ACCOUNT_JSON) {
    try {
      const account = JSON.parse(env.FIREBASE_SERVICE_ACCOUNT_JSON) as { private_key?: unknown; client_email?: unknown };
      if (typeof account.private_key !== 'string' || typeof account.client_email !== 'string') throw new Error();
    } catch {
      problems.push('FIREBASE_SERVICE_ACCOUNT_JSON: must be a service-account JSON with private_key and client_email');
    }
  }
  if (env.ATTACHMENT_STORAGE === 's3' && !env.S3_BUCKET) problems.push('S3_BUCKET is required when ATTACHMENT_STORAGE=s3');
  if (env.AUTH_JWKS_URL && (!env.AUTH_ISSUER || !env.AUTH_AUDIENCE)) problems.push('AUTH_ISSUER and AUTH_AUDIENCE are required when AUTH_JWKS_URL is set');
  if (env.NODE_ENV === 'production' && !env.AUTH_JWT_SECRET) {
    problems.push('AUTH_JWT_SECRET is required when NODE_ENV=production');
  }
  if (env.NODE_ENV === 'production' && !env.MONGODB_URI && env.EMBEDDED_DB_IN_PRODUCTION !== 'true') {
    problems.push('MONGODB_URI is required when NODE_ENV=production (or EMBEDDED_DB_IN_PRODUCTION=true to run the embedded database on purpose)');
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return env;
}
