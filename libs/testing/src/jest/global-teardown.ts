import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__TEST_FERRETDB__;
  if (!server) return;
  globalThis.__TEST_FERRETDB__ = undefined;
  await server.stop();
  rmSync(server.dataDir, { recursive: true, force: true });
}
