import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OwnerRosterSchema } from '../shared/owner-roster';
import { BLOCK_ROSTER, BlockRepository } from './block.repository';
import { BlockRecord, BlockSchema } from './block.schema';
import { accountInbox, INVITATION_ROSTER, InvitationRepository, phoneInbox } from './invitation.repository';
import { InvitationRecord, InvitationSchema } from './invitation.schema';
import { NETWORK_ROSTER, NetworkLinkRepository } from './network-link.repository';
import { NetworkLinkRecord, NetworkLinkSchema } from './network-link.schema';

/**
 * The `network_links`, `invitations` and `blocks` collections and their rosters; only the network
 * module imports this (dependency-cruiser).
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: NetworkLinkRecord.name, schema: NetworkLinkSchema },
      { name: NETWORK_ROSTER, schema: OwnerRosterSchema, collection: 'network_rosters' },
      { name: InvitationRecord.name, schema: InvitationSchema },
      { name: INVITATION_ROSTER, schema: OwnerRosterSchema, collection: 'invitation_rosters' },
      { name: BlockRecord.name, schema: BlockSchema },
      { name: BLOCK_ROSTER, schema: OwnerRosterSchema, collection: 'block_rosters' },
    ]),
  ],
  providers: [NetworkLinkRepository, InvitationRepository, BlockRepository],
  exports: [NetworkLinkRepository, InvitationRepository, BlockRepository],
})
export class NetworkDalModule {}

export { accountInbox, BlockRepository, InvitationRepository, NetworkLinkRepository, phoneInbox };
export * from './network.entity';
