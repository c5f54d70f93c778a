import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection, MongooseModule } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { AppConfig } from '@app/common';
import { EmbeddedDatabase, EmbeddedDatabaseModule } from '@app/embedded-db';
import { DatabaseHealth } from './database-health';

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

const EMBEDDED_POOL_SIZE = 4;

const exported = [DatabaseHealth];

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
      useFactory: async (config: AppConfig, embedded: EmbeddedDatabase) => ({
        uri: config.mongodbUri ?? (await embedded.start()),
        serverSelectionTimeoutMS: config.mongodbServerSelectionTimeoutMs,
        // SQLite takes one writer at a time: many connections only make FerretDB's writers wait on
        // each other (measured: 50 socket pairs, 16.7 message cycles/s with 100 connections, 40 with 4).
        maxPoolSize: config.mongodbMaxPoolSize ?? (config.mongodbUri ? undefined : EMBEDDED_POOL_SIZE),
        monitorCommands: config.mongodbMonitorCommands ?? false,
        autoIndex: true,
      }),
    }),
  ],
  providers: [DatabaseLifecycle, ...exported],
  exports: [...exported],
})
export class DatabaseModule {}
