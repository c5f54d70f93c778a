// Dendrite (github.com/matrix-org/dendrite, Apache-2.0), the Matrix homeserver the peer scenario
// measures us against: built once from the Go module proxy into .tools, configured from its own
// generate-config with federation off, and started on SQLite or PostgreSQL.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freeLoopbackPort, ROOT } from '../support.mts';

export const DENDRITE_VERSION = 'v0.13.8';
const MODULE = 'github.com/matrix-org/dendrite';
const BIN = join(ROOT, '.tools', `dendrite-${DENDRITE_VERSION}`, 'bin');
const COMMANDS = ['dendrite', 'generate-config', 'generate-keys'];

/** Builds Dendrite's binaries unless they are there (a few minutes, once); returns their folder. */
export function ensureDendrite(): string {
  if (COMMANDS.every((c) => existsSync(join(BIN, c)))) return BIN;
  console.log(`building Dendrite ${DENDRITE_VERSION} with go install (first run only, a few minutes)`);
  mkdirSync(BIN, { recursive: true });
  const built = spawnSync('go', ['install', ...COMMANDS.map((c) => `${MODULE}/cmd/${c}@${DENDRITE_VERSION}`)], {
    env: { ...process.env, GOBIN: BIN, CGO_ENABLED: '1', GOFLAGS: '-trimpath' },
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error(`go install of Dendrite ${DENDRITE_VERSION} failed (exit ${built.status})`);
  return BIN;
}

export type DendriteDatabase = { kind: 'sqlite' } | { kind: 'postgres'; uri: string };

/**
 * What we change in generate-config's output, each written down with its reason in
 * docs/benchmarks/README.md ("Peer"): no federation and no outside servers (a closed machine), no
 * rate limits and open registration (the benchmark registers its users), the lowest bcrypt cost
 * (registration is not what is measured), no presence or search, logs at warn.
 */
export function benchConfig(generated: Record<string, any>, dir: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const config = structuredClone(generated);
  config.global.server_name = 'localhost';
  config.global.private_key = join(dir, 'matrix_key.pem');
  config.global.disable_federation = true;
  config.global.trusted_third_party_id_servers = [];
  config.global.presence = { enable_inbound: false, enable_outbound: false };
  config.global.report_stats = { enabled: false };
  config.client_api.registration_disabled = false;
  config.client_api.rate_limiting = { ...config.client_api.rate_limiting, enabled: false };
  config.federation_api.key_perspectives = [];
  config.user_api.bcrypt_cost = 4;
  config.sync_api.search = { ...(config.sync_api.search ?? {}), enabled: false };
  config.logging = [{ type: 'std', level: 'warn' }];
  return config;
}

export interface RunningDendrite {
  url: string;
  process: ChildProcess;
  label: string;
  stop(): Promise<void>;
}

/** Starts Dendrite in `dir` (a fresh folder) on the given database; resolves once its client API answers. */
export async function startDendrite(dir: string, database: DendriteDatabase): Promise<RunningDendrite> {
  const bin = ensureDendrite();
  mkdirSync(dir, { recursive: true });
  const key = join(dir, 'matrix_key.pem');
  if (!existsSync(key)) run(join(bin, 'generate-keys'), ['--private-key', key]);
  const args = ['-dir', dir, ...(database.kind === 'postgres' ? ['-db', database.uri] : [])];
  const generated = parse(run(join(bin, 'generate-config'), args));
  const configFile = join(dir, 'dendrite.yaml');
  writeFileSync(configFile, stringify(benchConfig(generated, dir)));
  const port = await freeLoopbackPort();
  const child = spawn(join(bin, 'dendrite'), ['--config', configFile, '--http-bind-address', `127.0.0.1:${port}`, '--really-enable-open-registration'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/_matrix/client/versions`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`Dendrite exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`Dendrite did not answer within 2 minutes: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    process: child,
    label: `Dendrite ${DENDRITE_VERSION} (${database.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'})`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** The generated configuration of a run, for the record. */
export function configOf(dir: string): string {
  return readFileSync(join(dir, 'dendrite.yaml'), 'utf8');
}
