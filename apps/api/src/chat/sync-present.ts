import { Injectable } from '@nestjs/common';
import { ChangeFeedRepository, FeedEntry, MessageRepository } from '@app/dal/messages';
import { AttachmentLinks } from '@app/storage';
import { drfiStatusStanza } from '../drfi/drfi-content';
import { editedStanza, presentImStanza, reactionStanza } from '../messages/stanzas';
import { UsersService } from '../users/users.service';

/** Which later status supersedes a status change of the same message. */
const LATER_STATUS: Record<string, string> = { delivered: 'seen' };

/** The status a status change's key names (`s:<message>:<status>`), if it is one. */
function statusKey(entry: FeedEntry): { message: string; status: string } | undefined {
  const match = entry.kind === 'status' && entry.key ? /^s:([0-9a-f]{24}):(\w+)$/.exec(entry.key) : null;
  return match ? { message: match[1], status: match[2] } : undefined;
}

/**
 * A sync page shows the present (issue 34): each change names the object it changed (its key), and
 * the page renders that object as it is when the page is read.
 * - A message (`im`) comes as it is now: a message deleted since is its tombstone (no text,
 *   attachment or DRFI values), and its status is its current one; its links are signed now.
 * - A DRFI request's change comes with the request's state now.
 * - An edit comes with the message's text now, once: an edit a later one supersedes, or of a message
 *   deleted since (or no longer stored), is left out. The same for reactions: only a message's
 *   latest reaction change comes, with every reaction as it is now.
 * - A status change superseded by a later one of the same message in the caller's own sequence is
 *   left out: the later one comes, further along the chain, so along a chain each message's status
 *   comes once per change that is not superseded.
 * Three reads per page at most, each by `_id $in`: the later statuses' keys, the messages, their senders.
 */
@Injectable()
export class SyncPresent {
  constructor(
    private readonly feed: ChangeFeedRepository,
    private readonly messages: MessageRepository,
    private readonly users: UsersService,
    private readonly links: AttachmentLinks,
  ) {}

  async render(userId: string, entries: FeedEntry[]): Promise<FeedEntry[]> {
    const later = entries.flatMap((entry) => {
      const named = statusKey(entry);
      const next = named && LATER_STATUS[named.status];
      return next ? [`s:${named.message}:${next}`] : [];
    });
    const positions = await this.feed.positionsOf(userId, later);
    const kept = entries.filter((entry) => {
      const named = statusKey(entry);
      const next = named && LATER_STATUS[named.status];
      return !next || (positions.get(`s:${named.message}:${next}`) ?? 0) <= entry.seq;
    });

    const rendered = kept.filter((entry) => ['message', 'drfi', 'edit', 'reaction'].includes(entry.kind));
    const messages = new Map((await this.messages.findByIds(rendered.map((entry) => String(entry.payload.messageid)))).map((m) => [m.id, m]));
    const senders = new Map((await this.users.findMany([...new Set([...messages.values()].map((m) => m.senderId))])).map((u) => [u.id, u]));
    // Replies show the quoted message as it is now.
    const quotedIds = [...messages.values()].flatMap((m) => (m.replyTo && !m.deletedAt && !messages.has(m.replyTo) ? [m.replyTo] : []));
    for (const quoted of await this.messages.findByIds(quotedIds)) messages.set(quoted.id, quoted);
    return kept.flatMap((entry) => {
      const message = rendered.includes(entry) ? messages.get(String(entry.payload.messageid)) : undefined;
      if (entry.kind === 'edit') {
        // An edit comes at the message's text now, once: not when a later edit supersedes it (it comes
        // further along the chain), nor for a message deleted since or no longer stored.
        const count = Number(/^e:[0-9a-f]{24}:(\d+)$/.exec(entry.key ?? '')?.[1] ?? 0);
        return message && !message.deletedAt && message.editCount <= count ? [{ ...entry, payload: { ...editedStanza(message) } }] : [];
      }
      if (entry.kind === 'reaction') {
        // Only the message's latest reaction change comes (it carries every reaction now), never a deleted message's.
        const count = Number(/^x:[0-9a-f]{24}:(\d+)$/.exec(entry.key ?? '')?.[1] ?? 0);
        return message && !message.deletedAt && message.reactionCount <= count ? [{ ...entry, payload: { ...reactionStanza(message, String(entry.payload.userId)) } }] : [];
      }
      // A message no longer stored (retention) keeps the tombstone its change was rewritten into.
      if (!message) return [entry];
      if (entry.kind === 'drfi') return [{ ...entry, payload: { ...drfiStatusStanza(message) } }];
      const sender = senders.get(message.senderId);
      const quoted = message.replyTo ? messages.get(message.replyTo) : undefined;
      return [sender ? { ...entry, payload: { ...presentImStanza(message, sender, this.links, quoted) } } : entry];
    });
  }
}
