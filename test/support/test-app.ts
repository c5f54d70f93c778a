import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { getConnectionToken } from '@nestjs/mongoose';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { ADMIN_ROLE, TokenService } from '@app/auth';
import { AppConfig, DEFAULT_ATTACHMENT_TYPES } from '@app/common';
import { ContractChecker, freshDatabaseUri, QueryAuditor, testTempDir } from '@app/testing';
import { createApp } from '../../apps/api/src/bootstrap/create-app';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
/** The one browser origin the test apps allow (CORS_ORIGINS). */
export const TEST_WEB_ORIGIN = 'https://web.chat.test';

/** The test apps' socket settings; a test that needs other ones spreads these and changes what it names. */
export const TEST_SOCKET: AppConfig['socket'] = { maxPayloadBytes: 16 * 1024, eventsPerSecond: 1000, corsOrigins: [TEST_WEB_ORIGIN], handshakesInFlight: 4, typingExpiryMs: 6000 };

/** The test apps' chat settings (a test that needs others spreads these and changes what it names). */
export const TEST_CHAT: AppConfig['chat'] = { maxTextLength: 1000, editWindowMs: 15 * 60 * 1000, countsRepairAfterMs: 120_000, syncGapTimeoutMs: 2000, syncPageSize: 50, syncReadsInFlight: 2 };

/**
 * Data rights in the test apps: the defaults, but the worker's beat is rare, so that its looks
 * never mix with what a test counts (a request starts it at once, an erasure due at once too).
 */
export const TEST_PRIVACY: AppConfig['privacy'] = {
  exportTtlMs: 3600 * 1000,
  erasureGraceMs: 14 * 24 * 3600 * 1000,
  erasureReauthMs: 300 * 1000,
  workerIntervalMs: 60_000,
  retentionSweepIntervalMs: 3600 * 1000,
};

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** http://127.0.0.1:PORT */
  url: string;
  /** A supertest client on the real listening server. */
  http: () => ReturnType<typeof request>;
  tokenFor: (userId: string, options?: { admin?: boolean; expiresIn?: string }) => string;
  get: NestFastifyApplication['get'];
  /** Every query this app sent, checked against the declared indexes; close() fails on any unindexed one. */
  auditor: QueryAuditor;
  /** Every response this app sent, checked against docs/openapi.json; close() fails on any breach. */
  contract: ContractChecker;
  close: () => Promise<void>;
}

export function testConfig(overrides: Partial<ConstructorParameters<typeof AppConfig>[0]> = {}): AppConfig {
  const dataDir = overrides.dataDir ?? testTempDir('data');
  return new AppConfig({
    nodeEnv: 'test',
    port: 0,
    host: '127.0.0.1',
    mongodbUri: freshDatabaseUri(),
    dataDir,
    toolsDir: join(process.cwd(), '.tools'),
    ferretdbBin: undefined,
    auth: { jwtSecret: TEST_JWT_SECRET, acceptHs256: true },
    logLevel: (process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent',
    bodyLimitBytes: 64 * 1024,
    mongodbServerSelectionTimeoutMs: 2000,
    mongodbSocketTimeoutMs: 10_000,
    mongodbConnectTimeoutMs: 5000,
    mongodbMaxPoolSize: 100,
    mongodbMonitorCommands: true,
    chat: TEST_CHAT,
    socket: TEST_SOCKET,
    rest: { requestsPerMinute: 100_000, publicRequestsPerMinute: 100_000, invitationsPerDay: 1000, reportsPerDay: 1000 },
    push: { useApplicationDefault: false, http1: false, androidChannelId: 'messages', sendTimeoutMs: 2000, maxAttempts: 5, workerIntervalMs: 100, lockMs: 1000, readyMaxWaitMs: 60_000 },
    attachments: testAttachments({ kind: 'local', directory: join(dataDir, 'attachments') }),
    privacy: TEST_PRIVACY,
    demoPage: true,
    ...overrides,
  });
}

/** Attachment settings of the test apps on a given store (the defaults but a small link lifetime is the test's to set). */
export function testAttachments(storage: AppConfig['attachments']['storage'], overrides: Partial<AppConfig['attachments']> = {}): AppConfig['attachments'] {
  return {
    storage,
    maxBytes: 25 * 1024 * 1024,
    allowedTypes: [...DEFAULT_ATTACHMENT_TYPES],
    urlTtlSeconds: 600,
    unsentTtlMs: 24 * 3600 * 1000,
    sweepIntervalMs: 60_000,
    ...overrides,
  };
}

/**
 * The real application (same factory as main.ts) on a database of its own, listening on a free
 * loopback port. close() drops the database and stops everything.
 */
export async function startTestApp(overrides: Partial<ConstructorParameters<typeof AppConfig>[0]> = {}): Promise<TestApp> {
  const config = testConfig(overrides);
  const app = await createApp(config);
  const contract = new ContractChecker(app.getHttpAdapter().getInstance());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  const tokens = app.get(TokenService);
  const auditor = new QueryAuditor(app.get<Connection>(getConnectionToken()));
  return {
    app,
    config,
    url,
    http: () => request(url),
    tokenFor: (userId, options = {}) =>
      tokens.sign({ userId, roles: options.admin ? [ADMIN_ROLE] : [] }, options.expiresIn ?? '1h'),
    get: app.get.bind(app),
    auditor,
    contract,
    close: async () => {
      if (contract.breaches.length > 0) {
        await app.close();
        throw new Error(`responses docs/openapi.json does not describe:\n${contract.breaches.map((b) => JSON.stringify(b)).join('\n')}`);
      }
      if (auditor.unindexed.length > 0) {
        await app.close();
        throw new Error(`queries no declared index serves on MongoDB:\n${auditor.unindexed.map((q) => JSON.stringify(q)).join('\n')}`);
      }
      try {
        await app.get<Connection>(getConnectionToken()).dropDatabase();
      } catch {
        // the database may be the thing a test stopped
      }
      await app.close();
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
