import { Module } from '@nestjs/common';
import { NetworkDalModule } from '@app/dal/network';
import { MessagesModule } from '../messages/messages.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { UsersModule } from '../users/users.module';
import { AdminNetworkController } from './admin-network.controller';
import { BlocksController } from './blocks.controller';
import { BlocksService } from './blocks.service';
import { InvitationsController } from './invitations.controller';
import { InvitationsService } from './invitations.service';
import { NetworkController } from './network.controller';
import { NetworkPersonalData } from './network-personal-data';
import { NetworkService } from './network.service';

/** The personal network: links (admins make them directly), invitations (how users make them) and blocks. */
@Module({
  imports: [NetworkDalModule, UsersModule, MessagesModule, RateLimitModule],
  controllers: [NetworkController, InvitationsController, BlocksController, AdminNetworkController],
  providers: [NetworkService, InvitationsService, BlocksService, NetworkPersonalData],
  exports: [NetworkService, NetworkPersonalData],
})
export class NetworkModule {}
