import type { ConversationCounts } from './conversation.schema';

export type { ConversationCounts };

export interface Conversation {
  id: string;
  /** The two members, sorted. */
  userIds: [string, string];
  counts: ConversationCounts;
  lastMessageAt: Date | null;
  createdAt: Date;
  /** Counted writes begun and not ended, the last one begun at `lastWriteAt` (see ConversationRecord). */
  pendingWrites: number;
  writeEpoch: number;
  /** Bumped by every write that moves an unread count (the copies in each member's unread summary follow it). */
  countsVersion: number;
  lastWriteAt: Date | null;
  messageSeq: number;
  pagedFromStart: boolean;
  /** Per member: their unread summary is kept by this conversation's count writes. */
  badged: { a: boolean; b: boolean };
  /** Per member: every incoming message up to this position is seen. */
  readFloor: { a: number; b: number };
}

/** The counts of a conversation seen by one of its members (the seed's list fields). */
export interface MemberCounts {
  messagesCount: number;
  incomingMessagesCount: number;
  unreadMessagesCount: number;
  unreadIncomingMessagesCount: number;
  deletedMessagesCount: number;
}

export function countsFor(conversation: Conversation, userId: string): MemberCounts {
  const { counts } = conversation;
  const iAmA = conversation.userIds[0] === userId;
  return {
    messagesCount: counts.total,
    incomingMessagesCount: iAmA ? counts.sentB : counts.sentA,
    unreadMessagesCount: counts.unreadA + counts.unreadB,
    unreadIncomingMessagesCount: iAmA ? counts.unreadB : counts.unreadA,
    deletedMessagesCount: counts.deleted,
  };
}

export function otherMember(conversation: Conversation, userId: string): string {
  return conversation.userIds[0] === userId ? conversation.userIds[1] : conversation.userIds[0];
}
