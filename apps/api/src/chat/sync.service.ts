import { Injectable } from '@nestjs/common';
import { AppConfig, ackOrError, ErrorAck } from '@app/common';
import { MessageRepository, UserRepository } from '@app/dal';
import { ChatStanzaService, SentAck, StatusUpdatedAck } from './chat-stanza.service';
import { SyncPayload } from './dto/ws/payloads';
import { DeletedStanza, deletedStanza, ImStanza, imStanza, StatusUpdateStanza, statusUpdateStanza } from './dto/ws/stanzas';
import { decodeCursor, encodeCursor, nextPosition } from './sync-cursor';

export interface SyncResult {
  status: 'synced';
  /** Pass back on the next sync. */
  cursor: string;
  /** More changes wait: sync again with the new cursor right away. */
  hasMore: boolean;
  /** The acks of the messages and receipts the client sent with this sync, in order. */
  acks: { messages: (SentAck | ErrorAck)[]; statuses: (StatusUpdatedAck | ErrorAck)[] };
  /** Incoming messages new or changed since the cursor, as `im` stanzas with their current state. */
  messages: ImStanza[];
  /** Status changes of the caller's sent messages since the cursor. */
  statusUpdates: StatusUpdateStanza[];
  /** Messages of either party deleted since the cursor. */
  deletes: DeletedStanza[];
  /** DRFI requests of either party answered since the cursor. */
  drfiUpdates: { messageid: string; uniqueid: string; status: string; responseMessageId: string | null; conversationId: string }[];
}

/**
 * `sync` (socket and REST): first what the client could not get acknowledged (as if sent again),
 * then everything about its messages that changed since its cursor. At-least-once: a change can
 * come again in a later sync, and clients drop repeats by uniqueid; nothing is ever skipped.
 */
@Injectable()
export class SyncService {
  constructor(
    private readonly config: AppConfig,
    private readonly stanzas: ChatStanzaService,
    private readonly messages: MessageRepository,
    private readonly users: UserRepository,
  ) {}

  async sync(callerId: string, payload: SyncPayload): Promise<SyncResult> {
    const since = decodeCursor(payload.cursor);
    const acks: SyncResult['acks'] = { messages: [], statuses: [] };
    for (const im of payload.messages ?? []) acks.messages.push(await ackOrError(im.uniqueid, () => this.stanzas.im(callerId, im)));
    for (const update of payload.statuses ?? []) {
      acks.statuses.push(await ackOrError(update.uniqueid, () => this.stanzas.statusUpdate(callerId, update)));
    }

    const startedAt = Date.now();
    const page = await this.messages.changedSince(callerId, new Date(since.t), since.id, this.config.chat.syncPageSize);
    const last = page.messages.at(-1);
    const next = nextPosition(since, page.hasMore && last ? { t: last.changedAt.getTime(), id: last.id } : undefined, startedAt, this.config.chat.syncCursorLagMs);

    const incoming = page.messages.filter((m) => m.receiverId === callerId);
    const senders = new Map((await this.users.findByIds([...new Set(incoming.map((m) => m.senderId))])).map((u) => [u.id, u]));
    return {
      status: 'synced',
      cursor: encodeCursor(next),
      hasMore: page.hasMore,
      acks,
      messages: incoming.filter((m) => senders.has(m.senderId)).map((m) => imStanza(m, senders.get(m.senderId)!)),
      statusUpdates: page.messages.filter((m) => m.senderId === callerId && m.deliveryStatus !== 'sent').map(statusUpdateStanza),
      deletes: page.messages.filter((m) => m.deletedAt !== null).map(deletedStanza),
      drfiUpdates: page.messages
        .filter((m) => m.type === 'drfi' && m.drfi?.status && m.drfi.status !== 'sent')
        .map((m) => ({
          messageid: m.id,
          uniqueid: m.uniqueId,
          status: m.drfi!.status!,
          responseMessageId: m.drfi!.responseMessageId ?? null,
          conversationId: m.conversationId,
        })),
    };
  }
}
