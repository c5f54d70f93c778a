import type { Message, User } from '@app/dal';
import type { AttachmentLinks } from '@app/storage';
import { attachmentView } from '../attachments/dto/attachment.dto';
import type { DeletedStanza, ImStanza, StatusUpdateStanza } from '../realtime/socket-events';

/** The stanzas of a message, as sockets and sync receive them (types: realtime/socket-events.ts). */
export function imStanza(message: Message, sender: User, links: AttachmentLinks): ImStanza {
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
  };
}

export function statusUpdateStanza(message: Message): StatusUpdateStanza {
  return {
    status: message.deliveryStatus,
    uniqueid: message.uniqueId,
    messageid: message.id,
    conversationId: message.conversationId,
    from: message.senderId,
    to: message.receiverId,
  };
}

export function deletedStanza(message: Message): DeletedStanza {
  return {
    uniqueid: message.uniqueId,
    messageid: message.id,
    conversationId: message.conversationId,
    from: message.senderId,
    to: message.receiverId,
    deletedAt: (message.deletedAt ?? message.changedAt).toISOString(),
  };
}
