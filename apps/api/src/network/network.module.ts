import { Module } from '@nestjs/common';
import { AdminNetworkController } from './admin-network.controller';
import { NetworkController } from './network.controller';
import { NetworkService } from './network.service';

@Module({ controllers: [NetworkController, AdminNetworkController], providers: [NetworkService], exports: [NetworkService] })
export class NetworkModule {}
