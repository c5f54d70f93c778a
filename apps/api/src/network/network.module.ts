import { Module } from '@nestjs/common';
import { NetworkDalModule } from '@app/dal/network';
import { MessagesModule } from '../messages/messages.module';
import { UsersModule } from '../users/users.module';
import { AdminNetworkController } from './admin-network.controller';
import { NetworkController } from './network.controller';
import { NetworkService } from './network.service';

@Module({
  imports: [NetworkDalModule, UsersModule, MessagesModule],
  controllers: [NetworkController, AdminNetworkController],
  providers: [NetworkService],
  exports: [NetworkService],
})
export class NetworkModule {}
