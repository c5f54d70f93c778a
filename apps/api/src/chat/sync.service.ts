import { Injectable } from '@nestjs/common';
import { AppConfig, ackOrError, Throws } from '@app/common';
import { MessageRepository } from '@app/dal/messages';
import { drfiUpdatesIn } from '../drfi/drfi-content';
import { deletedStanza, imStanza, statusUpdateStanza } from '../messages/stanzas';
import type { SyncRequest, SyncResult } from '../realtime/socket-events';
import { UsersService } from '../users/users.service';
import { MessageCommandsService } from './message-commands.service';
import { ReceiptsService } from './receipts.service';
import { decodeCursor, encodeCursor, nextPosition } from './sync-cursor';

export type { SyncResult };

/**
 * `sync` (socket and REST): first what the client could not get acknowledged (as if sent again),
 * then everything about its messages that changed since its cursor. At-least-once: a change can
 * come again in a later sync, and clients drop repeats by uniqueid; nothing is ever skipped.
 */
@Injectable()
export class SyncService {
  constructor(
    private readonly config: AppConfig,
    private readonly commands: MessageCommandsService,
    private readonly receipts: ReceiptsService,
    private readonly messages: MessageRepository,
    private readonly users: UsersService,
  ) {}

  @Throws('INVALID_CURSOR')
  async sync(callerId: string, payload: SyncRequest): Promise<SyncResult> {
    const since = decodeCursor(payload.cursor);
    const acks: SyncResult['acks'] = { messages: [], statuses: [] };
    for (const im of payload.messages ?? []) acks.messages.push(await ackOrError(im.uniqueid, () => this.commands.im(callerId, im)));
    for (const update of payload.statuses ?? []) {
      acks.statuses.push(await ackOrError(update.uniqueid, () => this.receipts.statusUpdate(callerId, update)));
    }

    const startedAt = Date.now();
    const page = await this.messages.changedSince(callerId, new Date(since.t), since.id, this.config.chat.syncPageSize);
    const last = page.messages.at(-1);
    const next = nextPosition(since, page.hasMore && last ? { t: last.changedAt.getTime(), id: last.id } : undefined, startedAt, this.config.chat.syncCursorLagMs);

    const incoming = page.messages.filter((m) => m.receiverId === callerId);
    const senders = new Map((await this.users.findMany([...new Set(incoming.map((m) => m.senderId))])).map((u) => [u.id, u]));
    return {
      status: 'synced',
      cursor: encodeCursor(next),
      hasMore: page.hasMore,
      acks,
      messages: incoming.filter((m) => senders.has(m.senderId)).map((m) => imStanza(m, senders.get(m.senderId)!)),
      statusUpdates: page.messages.filter((m) => m.senderId === callerId && m.deliveryStatus !== 'sent').map(statusUpdateStanza),
      deletes: page.messages.filter((m) => m.deletedAt !== null).map(deletedStanza),
      drfiUpdates: drfiUpdatesIn(page.messages),
    };
  }
}
