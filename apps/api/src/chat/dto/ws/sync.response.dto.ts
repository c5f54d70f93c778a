import { ApiProperty } from '@nestjs/swagger';

class SyncAcksDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: "One ack per message sent with the sync: {status:'sent',...} or an error ack" })
  messages: object[];

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: "One ack per receipt: {status:'statusUpdated',...} or an error ack" })
  statuses: object[];
}

/** What a sync returns (docs/protocol.md). */
export class SyncResponseDto {
  @ApiProperty({ example: 'synced' })
  status: 'synced';

  @ApiProperty({ example: 'eyJ0IjoxNzk1MzA2NDM2NDEzfQ', description: 'Pass back on the next sync' })
  cursor: string;

  @ApiProperty({ description: 'More changes wait: sync again right away with the new cursor' })
  hasMore: boolean;

  @ApiProperty({ type: SyncAcksDto })
  acks: SyncAcksDto;

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Messages the caller received since the cursor, as im stanzas' })
  messages: object[];

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Messages the caller sent from any of their devices since the cursor, as im stanzas' })
  sent: object[];

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Delivery-status changes of messages the caller sent or received: {status, uniqueid, messageid, conversationId, from, to}' })
  statusUpdates: object[];

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Deleted messages: {uniqueid, messageid, conversationId, from, to, deletedAt}' })
  deletes: object[];

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'DRFI requests answered: {messageid, uniqueid, status, responseMessageId, conversationId}' })
  drfiUpdates: object[];
}
