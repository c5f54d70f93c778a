import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import type { SyncResult } from '../../../realtime/socket-events';
import { DeletedStanzaDto, DrfiStatusStanzaDto, EditedStanzaDto, ErrorAckDto, ImStanzaDto, ReactionStanzaDto, SentAckDto, StatusUpdatedAckDto, StatusUpdateStanzaDto } from '../../../realtime/stanzas.dto';

const oneOf = (...models: (new () => unknown)[]) => ({ type: 'array' as const, items: { oneOf: models.map((m) => ({ $ref: getSchemaPath(m) })) } });

@ApiExtraModels(SentAckDto, StatusUpdatedAckDto, ErrorAckDto)
class SyncAcksDto {
  @ApiProperty({ ...oneOf(SentAckDto, ErrorAckDto), description: 'One ack per message sent with the sync, in order: its `sent` ack or an error ack' })
  messages: SyncResult['acks']['messages'];

  @ApiProperty({ ...oneOf(StatusUpdatedAckDto, ErrorAckDto), description: 'One ack per receipt, in order: its `statusUpdated` ack or an error ack' })
  statuses: SyncResult['acks']['statuses'];
}

/** What a sync returns (docs/protocol.md). */
export class SyncResponseDto implements SyncResult {
  @ApiProperty({ enum: ['synced'] })
  status: 'synced';

  @ApiProperty({ maxLength: 200, example: 'eyJ2IjoyLCJzIjo0Mn0', description: 'Pass back on the next sync (opaque)' })
  cursor: string;

  @ApiProperty({ description: 'More changes wait: sync again right away with the new cursor' })
  hasMore: boolean;

  @ApiProperty({ type: SyncAcksDto })
  acks: SyncAcksDto;

  @ApiProperty({ type: [ImStanzaDto], description: 'Messages the caller received since the cursor, as im stanzas' })
  messages: ImStanzaDto[];

  @ApiProperty({ type: [ImStanzaDto], description: 'Messages the caller sent from any of their devices since the cursor, as im stanzas' })
  sent: ImStanzaDto[];

  @ApiProperty({ type: [StatusUpdateStanzaDto], description: 'Delivery-status changes of messages the caller sent or received' })
  statusUpdates: StatusUpdateStanzaDto[];

  @ApiProperty({ type: [DeletedStanzaDto], description: 'Messages of either party deleted since the cursor' })
  deletes: DeletedStanzaDto[];

  @ApiProperty({ type: [EditedStanzaDto], description: 'Messages of either party edited since the cursor, each at its current text (an edit a later one superseded, or of a message deleted since, is left out)' })
  edits: EditedStanzaDto[];

  @ApiProperty({ type: [ReactionStanzaDto], description: 'Reactions set or removed since the cursor: each message once, at its reactions now (left out for a message deleted since)' })
  reactions: ReactionStanzaDto[];

  @ApiProperty({ type: [DrfiStatusStanzaDto], description: 'DRFI requests of either party answered since the cursor' })
  drfiUpdates: DrfiStatusStanzaDto[];
}
