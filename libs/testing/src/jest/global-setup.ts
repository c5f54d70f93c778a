import { resolve } from 'node:path';
// Relative imports: Jest's module mapper does not apply to global setup.
import { ensureFerretDb } from '../../../embedded-db/src/ferretdb-install';
import { FerretDbServer } from '../../../embedded-db/src/ferretdb-server';
import { testTempDir } from '../temp-dirs';
import { TEST_DATABASE_BASE_ENV } from '../test-database';

declare global {
  var __TEST_FERRETDB__: FerretDbServer | undefined;
}

/**
 * One database server per test run: MONGODB_URI when given, else an embedded FerretDB on a fresh
 * folder (named chat-test-<run>-*, which the test command checks is gone afterwards).
 */
export default async function globalSetup(): Promise<void> {
  // Several projects run this (the e2e one through e2e-global-setup): one server for all of them.
  if (globalThis.__TEST_FERRETDB__) return;
  if (process.env.MONGODB_URI) {
    process.env[TEST_DATABASE_BASE_ENV] = process.env.MONGODB_URI;
    return;
  }
  const binary = await ensureFerretDb(
    { explicitBinary: process.env.FERRETDB_BIN || undefined, toolsDir: resolve(process.env.TOOLS_DIR ?? '.tools') },
    (line) => console.warn(line),
  );
  process.env.FERRETDB_TEST_BINARY = binary;
  const server = new FerretDbServer({ binary, dataDir: testTempDir('ferretdb') });
  await server.start();
  globalThis.__TEST_FERRETDB__ = server;
  process.env[TEST_DATABASE_BASE_ENV] = `mongodb://127.0.0.1:${server.port}`;
}
