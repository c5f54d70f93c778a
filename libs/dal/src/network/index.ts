import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OwnerRosterSchema } from '../shared/owner-roster';
import { NETWORK_ROSTER, NetworkLinkRepository } from './network-link.repository';
import { NetworkLinkRecord, NetworkLinkSchema } from './network-link.schema';

/** The `network_links` and `network_rosters` collections; only the network module imports this (dependency-cruiser). */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: NetworkLinkRecord.name, schema: NetworkLinkSchema },
      { name: NETWORK_ROSTER, schema: OwnerRosterSchema, collection: 'network_rosters' },
    ]),
  ],
  providers: [NetworkLinkRepository],
  exports: [NetworkLinkRepository],
})
export class NetworkDalModule {}

export { NetworkLinkRepository };
