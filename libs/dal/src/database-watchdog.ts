import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, ConnectOptions } from 'mongoose';
import { AppConfig } from '@app/common';
import { DatabaseHealth } from './database-health';

/** Where each connection was opened to, so that the watchdog can open it again (set by DatabaseModule). */
export const connectionTargets = new WeakMap<Connection, { uri: string; options: ConnectOptions }>();

/**
 * Opens the database connection anew when the driver has stopped finding the database by itself.
 *
 * Why (issue 33, the fault test's stall): after the database restarts, the MongoDB driver's server
 * monitor can be left with a check that never settles (seen on driver 7.8: a heartbeat started as
 * the database went away, its socket gone, its promise pending). The monitor runs no further check
 * while one is in progress, so the server stays Unknown and every command fails server selection,
 * for ever, with the database up. The driver's own reset does nothing here (it resets only servers
 * that report a topologyVersion, which FerretDB does not).
 *
 * So: a ping every `intervalMs`; once pings have failed for `stuckAfterMs`, the connection is
 * closed and opened again on the same URI and options (mongoose keeps its models on it; commands
 * meanwhile fail as they did, DATABASE_UNAVAILABLE). If the database really is down, the reopen
 * fails and is tried again `stuckAfterMs` later. One line per reopen.
 */
@Injectable()
export class DatabaseWatchdog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private timer?: NodeJS.Timeout;
  private failingSince?: number;
  private reopening = false;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly health: DatabaseHealth,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { intervalMs } = this.settings;
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private get settings(): { intervalMs: number; stuckAfterMs: number } {
    return this.config.mongodbWatchdog ?? { intervalMs: 5000, stuckAfterMs: 20_000 };
  }

  private async check(): Promise<void> {
    if (this.reopening) return;
    if (await this.health.isUp()) {
      this.failingSince = undefined;
      return;
    }
    const now = Date.now();
    this.failingSince ??= now;
    if (now - this.failingSince < this.settings.stuckAfterMs) return;
    const target = connectionTargets.get(this.connection);
    if (!target) return;
    this.reopening = true;
    this.logger.warn(`the database has not answered for ${Math.round((now - this.failingSince) / 1000)} s: opening the connection anew`);
    try {
      await this.connection.close();
      await this.connection.openUri(target.uri, target.options);
      this.logger.log('database connection opened anew');
      this.failingSince = undefined;
    } catch (err) {
      this.logger.warn(`opening the database connection anew failed (${(err as Error).message}); trying again later`);
      this.failingSince = Date.now();
    } finally {
      this.reopening = false;
    }
  }
}
