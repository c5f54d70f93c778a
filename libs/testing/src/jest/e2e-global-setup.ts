import { resolve } from 'node:path';
import { ensureSeaweedFs, SeaweedFsServer } from '../seaweedfs';
import { testTempDir } from '../temp-dirs';
import globalSetup from './global-setup';
import { requireRedis } from './require-redis';

declare global {
  var __TEST_SEAWEEDFS__: SeaweedFsServer | undefined;
}

/** Redis answering, the shared database server, and for the attachment tests a real S3-compatible server (SeaweedFS). */
export default async function e2eGlobalSetup(): Promise<void> {
  await requireRedis();
  await globalSetup();
  const binary = await ensureSeaweedFs(resolve(process.env.TOOLS_DIR ?? '.tools'), (line) => console.warn(line));
  const server = new SeaweedFsServer(binary, testTempDir('seaweedfs'));
  await server.start();
  globalThis.__TEST_SEAWEEDFS__ = server;
  process.env.S3_TEST_ENDPOINT = server.endpoint;
}
