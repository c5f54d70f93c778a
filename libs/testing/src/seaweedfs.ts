import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';

const run = promisify(execFile);

/**
 * SeaweedFS (Apache-2.0): the real S3-compatible server the attachment tests run against. Built
 * once from the Go module proxy into TOOLS_DIR/bin/weed (about seven minutes on 2 cores), like
 * FerretDB. The proxy serves this pseudo-version of the module (no tagged release of it is listed).
 */
export const SEAWEEDFS_MODULE = 'github.com/seaweedfs/seaweedfs';
export const SEAWEEDFS_VERSION = 'v0.0.0-20261109003541-7506e5f91cd6';

export const SEAWEEDFS_TEST_CREDENTIALS = { accessKeyId: 'chat-test', secretAccessKey: 'chat-test-secret-0123456789abcdef' };

function goBinary(): string {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/local/go/bin']) {
    if (dir && existsSync(join(dir, 'go'))) return join(dir, 'go');
  }
  throw new Error('SeaweedFS is built with Go, which is not installed');
}

/** TOOLS_DIR/bin/weed, built from SEAWEEDFS_VERSION when it is not there (or is another version). */
export async function ensureSeaweedFs(toolsDir: string, log: (line: string) => void): Promise<string> {
  const target = join(toolsDir, 'bin', 'weed');
  const marker = `${target}.version`;
  if (existsSync(target) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === SEAWEEDFS_VERSION) return target;
  const go = goBinary();
  log(`building SeaweedFS ${SEAWEEDFS_VERSION} with ${go} for the S3 tests (first run only, about seven minutes)`);
  mkdirSync(join(toolsDir, 'bin'), { recursive: true });
  const download = await run(go, ['mod', 'download', '-json', `${SEAWEEDFS_MODULE}@${SEAWEEDFS_VERSION}`], { maxBuffer: 16 * 1024 * 1024 });
  const { Dir: moduleDir } = JSON.parse(download.stdout) as { Dir: string };
  // Built as the main module (its go.mod has replace directives, which `go install pkg@version` refuses).
  const staged = `${target}.building`;
  await run(go, ['build', '-trimpath', '-buildvcs=false', '-ldflags=-s -w', '-o', staged, './weed'], {
    cwd: moduleDir,
    env: { ...process.env, GOFLAGS: '-mod=mod' },
    maxBuffer: 64 * 1024 * 1024,
  });
  renameSync(staged, target);
  writeFileSync(marker, `${SEAWEEDFS_VERSION}\n`);
  log(`SeaweedFS installed at ${target}`);
  return target;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One `weed server` (master, volume, filer and S3 gateway in one process) on loopback ports, with one identity. */
export class SeaweedFsServer {
  private child?: ChildProcess;
  endpoint = '';

  private readonly binary: string;
  readonly dataDir: string;

  // (Fields assigned here, not as parameter properties: the benchmarks load this file with Node's type stripping.)
  constructor(binary: string, dataDir: string) {
    this.binary = binary;
    this.dataDir = dataDir;
  }

  async start(): Promise<void> {
    const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = await Promise.all(Array.from({ length: 8 }, freePort));
    const identities = join(this.dataDir, 's3.json');
    const { accessKeyId, secretAccessKey } = SEAWEEDFS_TEST_CREDENTIALS;
    writeFileSync(identities, JSON.stringify({ identities: [{ name: 'chat-test', credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }], actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'] }] }));
    mkdirSync(join(this.dataDir, 'data'), { recursive: true });
    const args = [
      'server', `-dir=${join(this.dataDir, 'data')}`, '-ip=127.0.0.1', '-ip.bind=127.0.0.1',
      `-master.port=${master}`, `-master.port.grpc=${masterGrpc}`, '-master.volumeSizeLimitMB=64',
      `-volume.port=${volume}`, `-volume.port.grpc=${volumeGrpc}`,
      // Every test app has a bucket of its own, and each bucket grows several volumes at once: a
      // fixed 8 ran out at the third bucket of a run (S3 InternalError on an upload, depending on the
      // order the files ran in). 0: as many as the disk holds.
      '-volume.max=0',
      '-filer', `-filer.port=${filer}`, `-filer.port.grpc=${filerGrpc}`,
      '-s3', `-s3.port=${s3}`, `-s3.port.grpc=${s3Grpc}`, '-s3.port.iceberg=0', '-s3.iam=false', `-s3.config=${identities}`,
    ];
    let output = '';
    this.child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) stream.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    this.endpoint = `http://127.0.0.1:${s3}`;
    const client = new S3Client({ endpoint: this.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: SEAWEEDFS_TEST_CREDENTIALS });
    const deadline = Date.now() + 60_000;
    try {
      for (;;) {
        if (this.child.exitCode !== null) throw new Error(`weed exited with ${this.child.exitCode}:\n${output}`);
        try {
          await client.send(new ListBucketsCommand({}));
          return;
        } catch (err) {
          if (Date.now() > deadline) throw new Error(`SeaweedFS's S3 gateway did not answer within 60 s (${(err as Error).message}):\n${output}`, { cause: err });
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    } finally {
      client.destroy();
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
