import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection, MongooseModule } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { AppConfig } from '@app/common';
import { EmbeddedDatabase, EmbeddedDatabaseModule } from '@app/embedded-db';
import { DatabaseHealth } from './database-health';
import { DatabaseFlavor } from './shared/database-flavor';
import { ConversationRepository } from './conversations/conversation.repository';
import { ConversationRecord, ConversationSchema } from './conversations/conversation.schema';
import { DrfiAuditRepository } from './drfi/drfi-audit.repository';
import { DrfiAuditRecord, DrfiAuditSchema } from './drfi/drfi-audit.schema';
import { MessageRepository } from './messages/message.repository';
import { DeviceTokenRepository } from './push/device-token.repository';
import { DeviceTokenRecord, DeviceTokenSchema } from './push/device-token.schema';
import { PushOutboxRepository } from './push/push-outbox.repository';
import { PushOutboxRecord, PushOutboxSchema } from './push/push-outbox.schema';
import { MessageRecord, MessageSchema } from './messages/message.schema';
import { NetworkLinkRepository } from './network/network-link.repository';
import { NetworkLinkRecord, NetworkLinkSchema } from './network/network-link.schema';
import { UserRepository } from './users/user.repository';
import { VaultRepository } from './vault/vault.repository';
import { VaultRecord, VaultSchema } from './vault/vault.schema';
import { UserRecord, UserSchema } from './users/user.schema';

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

const repositories = [UserRepository, NetworkLinkRepository, ConversationRepository, MessageRepository, VaultRepository, DrfiAuditRepository, DeviceTokenRepository, PushOutboxRepository];
const exported = [...repositories, DatabaseHealth, DatabaseFlavor];

/**
 * The mongoose connection (MONGODB_URI, else the embedded FerretDB) and every repository.
 * Services use repositories; nothing outside this library touches a mongoose Model.
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
        autoIndex: true,
      }),
    }),
    MongooseModule.forFeature([
      { name: UserRecord.name, schema: UserSchema },
      { name: NetworkLinkRecord.name, schema: NetworkLinkSchema },
      { name: ConversationRecord.name, schema: ConversationSchema },
      { name: MessageRecord.name, schema: MessageSchema },
      { name: VaultRecord.name, schema: VaultSchema },
      { name: DrfiAuditRecord.name, schema: DrfiAuditSchema },
      { name: DeviceTokenRecord.name, schema: DeviceTokenSchema },
      { name: PushOutboxRecord.name, schema: PushOutboxSchema },
    ]),
  ],
  providers: [DatabaseLifecycle, ...exported],
  exports: [...exported],
})
export class DatabaseModule {}
