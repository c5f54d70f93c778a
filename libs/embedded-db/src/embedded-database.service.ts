import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { ensureFerretDb } from './ferretdb-install';
import { FerretDbServer } from './ferretdb-server';

export const EMBEDDED_DATABASE_NAME = 'chat';

interface InstanceFile {
  pid: number;
  port: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
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

  constructor(private readonly config: AppConfig) {
    this.dataDir = join(config.dataDir, 'ferretdb');
    this.instanceFile = join(this.dataDir, 'instance.json');
  }

  async start(): Promise<string> {
    const shared = this.runningInstance();
    if (shared) {
      this.logger.log(`using the embedded FerretDB already running on 127.0.0.1:${shared.port}`);
      return `mongodb://127.0.0.1:${shared.port}/${EMBEDDED_DATABASE_NAME}`;
    }
    const binary = await ensureFerretDb(
      { explicitBinary: this.config.ferretdbBin, toolsDir: this.config.toolsDir },
      (line) => this.logger.log(line),
    );
    this.server = new FerretDbServer({ binary, dataDir: this.dataDir });
    await this.server.start();
    writeFileSync(this.instanceFile, JSON.stringify({ pid: process.pid, port: this.server.port }));
    this.logger.log(`embedded FerretDB started on 127.0.0.1:${this.server.port}, data in ${this.dataDir}`);
    return this.server.uri(EMBEDDED_DATABASE_NAME);
  }

  /** Stops the server we started (an instance we only attached to keeps running). */
  async stop(): Promise<void> {
    if (!this.server) return;
    await this.server.stop();
    rmSync(this.instanceFile, { force: true });
    this.logger.log('embedded FerretDB stopped');
  }

  private runningInstance(): InstanceFile | undefined {
    try {
      const instance = JSON.parse(readFileSync(this.instanceFile, 'utf8')) as InstanceFile;
      return instance.pid !== process.pid && isAlive(instance.pid) ? instance : undefined;
    } catch {
      return undefined;
    }
  }
}
