import { rmSync } from 'node:fs';
import globalTeardown from './global-teardown';

export default async function e2eGlobalTeardown(): Promise<void> {
  const server = globalThis.__TEST_SEAWEEDFS__;
  if (server) {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
  await globalTeardown();
}
