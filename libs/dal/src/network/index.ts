import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { NetworkLinkRepository } from './network-link.repository';
import { NetworkLinkRecord, NetworkLinkSchema } from './network-link.schema';

/** The `network_links` collection; only the network module imports this (dependency-cruiser). */
@Module({
  imports: [MongooseModule.forFeature([{ name: NetworkLinkRecord.name, schema: NetworkLinkSchema }])],
  providers: [NetworkLinkRepository],
  exports: [NetworkLinkRepository],
})
export class NetworkDalModule {}

export { NetworkLinkRepository };
