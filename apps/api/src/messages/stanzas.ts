import { truncateText } from '@app/common';
import type { Message, User } from '@app/dal';
import type { AttachmentLinks } from '@app/storage';
import { attachmentView } from '../attachments/dto/attachment.dto';
import type { DeletedStanza, EditedStanza, ImStanza, ReactionStanza, ReactionView, ReplySnippet, StatusUpdateStanza } from '../realtime/socket-events';

/** The longest start of a quoted message's text a reply shows, in characters. */
const SNIPPET_MAX = 100;

/** What a reply shows of the message it quotes, as that message is now (nothing of it once deleted). */
export function replySnippet(quoted: Message): ReplySnippet {
  const deleted = quoted.deletedAt !== null;
  return {
    messageid: quoted.id,
    from: quoted.senderId,
    text: deleted ? '' : truncateText(quoted.text, SNIPPET_MAX),
    ...(!deleted && quoted.attachment ? { attachmentKind: quoted.attachment.kind } : {}),
    isDeleted: deleted,
  };
}

/**
 * The stanzas of a message, as sockets and sync receive them (types: realtime/socket-events.ts).
 * A reply's stanza carries the quoted message's snippet when the caller has it (`quoted`).
 */
export function imStanza(message: Message, sender: User, links: AttachmentLinks, quoted?: Message): ImStanza {
  return {
    to: message.receiverId,
    from: message.senderId,
    fromFullName: sender.name,
    fromPhone: sender.phone,
    msg: message.text,
    uniqueid: message.uniqueId,
    status: message.deliveryStatus,
    type: message.type,
    file_type: message.fileType,
    ...(message.attachment && !message.deletedAt ? { attachment: attachmentView(message.attachment, links) } : {}),
    messageid: message.id,
    conversationId: message.conversationId,
    created: message.createdAt.toISOString(),
    isDeleted: message.deletedAt !== null,
    ...(message.editedAt ? { edited: true, editedAt: message.editedAt.toISOString() } : {}),
    ...(message.reactions.length > 0 ? { reactions: reactionsOf(message) } : {}),
    ...(quoted && message.replyTo === quoted.id ? { replyTo: replySnippet(quoted) } : {}),
  };
}

/** Which message an event is about, and its two parties (every message event starts with these). */
function messageRef(message: Message): Pick<DeletedStanza, 'uniqueid' | 'messageid' | 'conversationId' | 'from' | 'to'> {
  return { uniqueid: message.uniqueId, messageid: message.id, conversationId: message.conversationId, from: message.senderId, to: message.receiverId };
}

export function reactionsOf(message: Message): ReactionView[] {
  return message.reactions.map(({ userId, emoji }) => ({ userId, emoji }));
}

/** A member's reaction changed (`userId`'s, now `emoji`), with every reaction as it is now. */
export function reactionStanza(message: Message, userId: string): ReactionStanza {
  return {
    ...messageRef(message),
    userId,
    emoji: message.reactions.find((r) => r.userId === userId)?.emoji ?? null,
    reactions: reactionsOf(message),
  };
}

export function editedStanza(message: Message): EditedStanza {
  return {
    ...messageRef(message),
    msg: message.text,
    editedAt: (message.editedAt ?? message.changedAt).toISOString(),
  };
}

/**
 * A message as it is now, for a stanza read later than it was sent (sync): a deleted one is its
 * tombstone (ids, times, status, `isDeleted`, `deletedAt`; no text, attachment or DRFI values).
 */
export function presentImStanza(message: Message, sender: User, links: AttachmentLinks, quoted?: Message): ImStanza {
  if (!message.deletedAt) return imStanza(message, sender, links, quoted);
  return { ...imStanza(tombstoneOf(message), sender, links), deletedAt: message.deletedAt.toISOString() };
}

/** A message without its content: what stays of it once deleted or erased. */
export function tombstoneOf(message: Message, at = new Date()): Message {
  return {
    ...message,
    text: '',
    attachment: null,
    fileType: null,
    deletedAt: message.deletedAt ?? at,
    drfi: message.drfi ? { ...message.drfi, fields: undefined } : null,
    reactions: [],
  };
}

export function statusUpdateStanza(message: Message): StatusUpdateStanza {
  return {
    status: message.deliveryStatus,
    ...messageRef(message),
  };
}

export function deletedStanza(message: Message): DeletedStanza {
  return {
    ...messageRef(message),
    deletedAt: (message.deletedAt ?? message.changedAt).toISOString(),
  };
}
