import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { NetworkLinkRepository } from './network-link.repository';
import { NetworkLinkRecord, NetworkLinkSchema, NetworkRosterRecord, NetworkRosterSchema } from './network-link.schema';

/** The `network_links` and `network_rosters` collections; only the network module imports this (dependency-cruiser). */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: NetworkLinkRecord.name, schema: NetworkLinkSchema },
      { name: NetworkRosterRecord.name, schema: NetworkRosterSchema },
    ]),
  ],
  providers: [NetworkLinkRepository],
  exports: [NetworkLinkRepository],
})
export class NetworkDalModule {}

export { NetworkLinkRepository };
