import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import { AppConfig } from '@app/common';
import { ensureFerretDb } from './ferretdb-install';
import { FerretDbServer } from './ferretdb-server';

export const EMBEDDED_DATABASE_NAME = 'chat';

/**
 * The supervision of the embedded database: a FerretDB that dies is started again on the same
 * port (the driver reconnects by itself; readiness fails meanwhile, as every database command
 * does); failing to keep it up RESTART_LIMIT times within RESTART_WINDOW_MS ends the process with
 * one line, so that the process's own supervisor restarts all of it.
 */
export const RESTART_LIMIT = 5;
export const RESTART_WINDOW_MS = 60_000;

interface InstanceFile {
  pid: number;
  port: number;
}

/**
 * Whether the process runs. kill(pid, 0) alone also succeeds for a zombie (a server killed with
 * kill -9 whose parent has not reaped it), so its state in /proc must not be Z (or X) either.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (not Linux): kill(pid, 0) is all there is
  }
}

/** Whether a MongoDB-protocol server answers a ping on the port within a second. */
async function answersPing(port: number): Promise<boolean> {
  const client = new MongoClient(`mongodb://127.0.0.1:${port}/${EMBEDDED_DATABASE_NAME}`, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.db().command({ ping: 1 }, { timeoutMS: 1000 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * The embedded database used when MONGODB_URI is unset: a FerretDB on the SQLite files under
 * DATA_DIR. If another of our processes already runs one on the same DATA_DIR (the server while
 * `npm run seed` runs, say), we use that one instead of opening the same files twice.
 */
@Injectable()
export class EmbeddedDatabase {
  private readonly logger = new Logger(EmbeddedDatabase.name);
  private server?: FerretDbServer;
  private readonly dataDir: string;
  private readonly instanceFile: string;
  private stopping = false;
  /** When the recent restarts (and failed attempts) began. */
  private restarts: number[] = [];

  constructor(private readonly config: AppConfig) {
    this.dataDir = join(config.dataDir, 'ferretdb');
    this.instanceFile = join(this.dataDir, 'instance.json');
  }

  async start(): Promise<string> {
    const shared = await this.runningInstance();
    if (shared) {
      this.logger.log(`using the embedded FerretDB already running on 127.0.0.1:${shared.port}`);
      return `mongodb://127.0.0.1:${shared.port}/${EMBEDDED_DATABASE_NAME}`;
    }
    const binary = await ensureFerretDb(
      { explicitBinary: this.config.ferretdbBin, toolsDir: this.config.toolsDir },
      (line) => this.logger.log(line),
    );
    this.server = new FerretDbServer({ binary, dataDir: this.dataDir, synchronous: this.config.embeddedDbSynchronous });
    await this.server.start();
    this.server.onUnexpectedExit((how) => void this.restart(how));
    writeFileSync(this.instanceFile, JSON.stringify({ pid: process.pid, port: this.server.port }));
    this.logger.log(`embedded FerretDB started on 127.0.0.1:${this.server.port}, data in ${this.dataDir}`);
    return this.server.uri(EMBEDDED_DATABASE_NAME);
  }

  /** Stops the server we started (an instance we only attached to keeps running). */
  async stop(): Promise<void> {
    if (!this.server) return;
    this.stopping = true;
    await this.server.stop();
    rmSync(this.instanceFile, { force: true });
    this.logger.log('embedded FerretDB stopped');
  }

  /** Starts the server again after it died, until it stays up or has failed too often (then the process ends). */
  private async restart(how: string): Promise<void> {
    const server = this.server!;
    this.logger.error(`the embedded FerretDB exited unexpectedly (${how}); starting it again on 127.0.0.1:${server.port}`);
    for (;;) {
      if (this.stopping) return;
      const now = Date.now();
      this.restarts = [...this.restarts.filter((at) => now - at < RESTART_WINDOW_MS), now];
      if (this.restarts.length > RESTART_LIMIT) {
        this.logger.fatal(
          `the embedded FerretDB could not be kept running (${RESTART_LIMIT} restarts within ${RESTART_WINDOW_MS / 1000} s; its log: ${server.logFile}): exiting so that this process is restarted`,
        );
        process.exit(1);
      }
      try {
        await server.start();
        this.logger.log(`embedded FerretDB running again on 127.0.0.1:${server.port}`);
        return;
      } catch (err) {
        this.logger.error(`the embedded FerretDB did not start again: ${(err as Error).message.split('\n')[0]}`);
        await new Promise((resolve) => setTimeout(resolve, 200 * this.restarts.length));
      }
    }
  }

  /**
   * The instance another of our processes runs on this DATA_DIR, trusted only if that process is
   * alive (not a zombie, whose pid a kill -9 leaves behind) and the instance answers a ping; a stale
   * record (a pid reused, a server killed with kill -9) means we start our own.
   */
  private async runningInstance(): Promise<InstanceFile | undefined> {
    let instance: InstanceFile;
    try {
      instance = JSON.parse(readFileSync(this.instanceFile, 'utf8')) as InstanceFile;
    } catch {
      return undefined;
    }
    if (instance.pid === process.pid || !isAlive(instance.pid)) return undefined;
    if (await answersPing(instance.port)) return instance;
    this.logger.warn(`the embedded FerretDB recorded on 127.0.0.1:${instance.port} does not answer; starting one`);
    return undefined;
  }
}
