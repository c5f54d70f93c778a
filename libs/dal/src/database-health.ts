import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

@Injectable()
export class DatabaseHealth {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  /** True when the database answers a ping within the bound. */
  async isUp(timeoutMs = 2000): Promise<boolean> {
    const db = this.connection.db;
    if (!db) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ping = db
      .command({ ping: 1 }, { timeoutMS: timeoutMs })
      .then(() => true)
      .catch(() => false);
    try {
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** One database command as the driver saw it (command monitoring; no filter or value, only its name). */
export interface DatabaseCommandTiming {
  command: string;
  durationMs: number;
  ok: boolean;
}

/**
 * The driver's command-monitoring events, for metrics: each command's name, time and outcome.
 * Events flow only when the connection monitors commands (on when metrics are served).
 */
@Injectable()
export class DatabaseCommands {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  onCommand(listener: (timing: DatabaseCommandTiming) => void): void {
    const client = this.connection.getClient();
    client.on('commandSucceeded', (event) => listener({ command: event.commandName, durationMs: event.duration, ok: true }));
    client.on('commandFailed', (event) => listener({ command: event.commandName, durationMs: event.duration, ok: false }));
  }
}
