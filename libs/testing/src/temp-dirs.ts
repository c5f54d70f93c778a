import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh temporary folder named chat-test-<run>-<kind>-*, where <run> is CHAT_TEST_RUN_ID (set by
 * the test command), so that the test command can check that no FerretDB of its own run outlived it.
 */
export function testTempDir(kind: string): string {
  return mkdtempSync(join(tmpdir(), `chat-test-${process.env.CHAT_TEST_RUN_ID ?? 'local'}-${kind}-`));
}
