import { AppConfig } from '@app/common';
import { ensureFerretDb } from '@app/embedded-db';

/** Set-up step: makes sure a FerretDB binary is available (builds it once if needed). */
async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment();
  const binary = await ensureFerretDb({ explicitBinary: config.ferretdbBin, toolsDir: config.toolsDir }, (line) =>
    console.log(line),
  );
  console.log(`ferretdb: ${binary}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
