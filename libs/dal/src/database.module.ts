import { Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection, MongooseModule } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { AppConfig, withoutCredentials } from '@app/common';
import { EmbeddedDatabase, EmbeddedDatabaseModule } from '@app/embedded-db';
import { DatabaseCommands, DatabaseHealth } from './database-health';
import { connectionTargets, DatabaseWatchdog } from './database-watchdog';

/** Closes the connection before the embedded server goes away, so shutdown is quick and quiet. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly embedded: EmbeddedDatabase,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
    await this.embedded.stop();
  }
}

const exported = [DatabaseHealth, DatabaseCommands];

/**
 * The mongoose connection (MONGODB_URI, else the embedded FerretDB), imported once by the app.
 * It holds no repository: each domain imports the data module of its own collections
 * (`@app/dal/users`, `@app/dal/messages`, ...), and dependency-cruiser checks that no other
 * domain does. Nothing outside this library touches a mongoose Model.
 */
@Global()
@Module({
  imports: [
    EmbeddedDatabaseModule,
    MongooseModule.forRootAsync({
      imports: [EmbeddedDatabaseModule],
      inject: [AppConfig, EmbeddedDatabase],
      useFactory: async (config: AppConfig, embedded: EmbeddedDatabase) => {
        const uri = config.mongodbUri ?? (await embedded.start());
        const attempts = config.mongodbConnectAttempts ?? 1;
        // Said before the first attempt, so a database that is down is named at once; each failed
        // attempt is a line of its own ("Retrying (n)"), and the last one ends the start-up.
        new Logger('Database').log(`connecting to ${withoutCredentials(uri)} (${attempts} attempt${attempts === 1 ? '' : 's'}, each up to ${config.mongodbServerSelectionTimeoutMs} ms)`);
        const options = {
          serverSelectionTimeoutMS: config.mongodbServerSelectionTimeoutMs,
          // Bounds, so a stalled database (it accepts connections and never answers) is a 503 in
          // seconds: the wait for an answer, and a new connection's handshake. (The driver's
          // timeoutMS did not bound a call on a stalled connection here: 41 s for a 1.5 s bound.)
          socketTimeoutMS: config.mongodbSocketTimeoutMs,
          connectTimeoutMS: config.mongodbConnectTimeoutMs,
          retryAttempts: config.mongodbConnectAttempts,
          retryDelay: 1000,
          verboseRetryLog: true,
          // SQLite takes one writer at a time: many connections only make FerretDB's writers wait on
          // each other (measured: 50 socket pairs, 16.7 message cycles/s with 100 connections, 40 with 4).
          maxPoolSize: config.mongodbMaxPoolSize,
          // Command monitoring feeds the metrics' database latency (and the tests' query auditor).
          monitorCommands: config.mongodbMonitorCommands ?? config.metrics !== undefined,
          autoIndex: true,
        };
        return {
          uri,
          ...options,
          // Kept so that the watchdog can open the same connection again (database-watchdog.ts).
          connectionFactory: (connection: Connection) => {
            const { retryAttempts: _attempts, retryDelay: _delay, verboseRetryLog: _verbose, ...driverOptions } = options;
            connectionTargets.set(connection, { uri, options: driverOptions });
            return connection;
          },
        };
      },
    }),
  ],
  providers: [DatabaseLifecycle, DatabaseWatchdog, ...exported],
  exports: [...exported],
})
export class DatabaseModule {}
