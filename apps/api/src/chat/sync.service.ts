import { Injectable, Logger } from '@nestjs/common';
import { Sema } from 'async-sema';
import { AppConfig, ackOrError, Throws } from '@app/common';
import { ChangeFeedRepository, FeedEntry } from '@app/dal/messages';
import type { ChangeKind, ChangePayload } from '../messages/change-feed.service';
import type { SyncRequest, SyncResult } from '../realtime/socket-events';
import { Metrics } from '../metrics/metrics.service';
import { MessageCommandsService } from './message-commands.service';
import { ReceiptsService } from './receipts.service';
import { SyncPresent } from './sync-present';
import { decodeCursor, encodeCursor, invalidCursor } from './sync-cursor';

export type { SyncResult };

const payloadsOf = <K extends ChangeKind>(entries: FeedEntry[], kind: K) =>
  entries.filter((e) => e.kind === kind).map((e) => e.payload as unknown as ChangePayload<K>);

/**
 * `sync` (socket and REST): first what the client could not get acknowledged (as if sent again;
 * de-duplicated by uniqueid), then the changes of the caller's own change sequence after its
 * cursor, in order, each exactly once along a chain of cursors (docs/protocol.md).
 */
@Injectable()
export class SyncService {
  /** A bulkhead: sync page reads at once, so a reconnect storm queues here instead of ahead of everyone in the pool. */
  private readonly reads: Sema;
  private readonly logger = new Logger(SyncService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly commands: MessageCommandsService,
    private readonly receipts: ReceiptsService,
    private readonly feed: ChangeFeedRepository,
    private readonly present: SyncPresent,
    private readonly metrics: Metrics,
  ) {
    this.reads = new Sema(config.chat.syncReadsInFlight);
  }

  @Throws('INVALID_CURSOR')
  async sync(callerId: string, payload: SyncRequest): Promise<SyncResult> {
    const since = decodeCursor(payload.cursor);
    const acks: SyncResult['acks'] = { messages: [], statuses: [] };
    for (const im of payload.messages ?? []) acks.messages.push(await ackOrError(im.uniqueid, () => this.commands.im(callerId, im), this.logger));
    for (const update of payload.statuses ?? []) {
      acks.statuses.push(await ackOrError(update.uniqueid, () => this.receipts.statusUpdate(callerId, update), this.logger));
    }

    await this.reads.acquire();
    const page = await this.feed
      .read(callerId, since, this.config.chat.syncPageSize, this.config.chat.syncGapTimeoutMs)
      .finally(() => this.reads.release());
    // A position that holds nothing of the caller's was never handed out to them.
    if (!page.known) throw invalidCursor();
    this.metrics.syncPages.inc();
    this.metrics.syncPageChanges.observe(page.entries.length);
    // Each object as it is now (a message deleted since is its tombstone; a superseded status is left out).
    const entries = await this.present.render(callerId, page.entries);
    const messages = payloadsOf(entries, 'message');
    return {
      status: 'synced',
      cursor: encodeCursor(page.position),
      hasMore: page.hasMore,
      acks,
      messages: messages.filter((m) => m.to === callerId),
      sent: messages.filter((m) => m.from === callerId),
      statusUpdates: payloadsOf(entries, 'status'),
      deletes: payloadsOf(entries, 'delete'),
      edits: payloadsOf(entries, 'edit'),
      reactions: payloadsOf(entries, 'reaction'),
      drfiUpdates: payloadsOf(entries, 'drfi'),
    };
  }
}
