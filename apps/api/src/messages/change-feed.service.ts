import { Injectable } from '@nestjs/common';
import { ChangeFeedRepository } from '@app/dal/messages';
import { RealtimeNotifier } from '../realtime/realtime-notifier.service';
import type { ServerPayload } from '../realtime/socket-events';
import type { Freshness } from './freshness';

/** What a change is, the socket event that carries it live, and the sync list it comes back in. */
export const CHANGE_EVENTS = {
  message: 'im',
  status: 'messageStatusUpdate',
  delete: 'messageDeleted',
  edit: 'messageEdited',
  reaction: 'messageReaction',
  drfi: 'drfiStatusUpdate',
} as const;

export type ChangeKind = keyof typeof CHANGE_EVENTS;
export type ChangePayload<K extends ChangeKind> = ServerPayload<(typeof CHANGE_EVENTS)[K]>;

/**
 * How every change that concerns users becomes visible: it takes the next position in each
 * party's own change sequence (what `sync` pages through), then reaches every socket of each party
 * (all their devices). Live events and sync therefore carry the same changes.
 */
@Injectable()
export class ChangeFeedService {
  constructor(
    private readonly feed: ChangeFeedRepository,
    private readonly notifier: RealtimeNotifier,
  ) {}

  /**
   * `key` names the change (the same change announced again, after a crash, keeps its one
   * position). A fresh change goes to every party; a repeat is added only where it is missing (an
   * earlier attempt died part-way), and only those users' sockets hear of it. Returns the users it
   * reached now.
   */
  async announce<K extends ChangeKind>(kind: K, key: string, parties: string[], payload: ChangePayload<K>, freshness: Freshness): Promise<string[]> {
    const added = await this.feed.append([...new Set(parties)], key, kind, payload as unknown as Record<string, unknown>, freshness === 'fresh');
    if (added.length > 0) this.notifier.toUsers(added, CHANGE_EVENTS[kind], payload);
    return added;
  }
}
