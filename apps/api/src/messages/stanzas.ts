import { Message, User } from '@app/dal';

/** `im` as the recipient's sockets (and sync) receive it: the seed's stanza plus our ids. */
export interface ImStanza {
  to: string;
  from: string;
  fromFullName: string;
  fromPhone: string;
  msg: string;
  uniqueid: string;
  /** The delivery status (in stanzas, `status` is the delivery status; CONTRACT section 4). */
  status: Message['deliveryStatus'];
  type: Message['type'];
  file_type: string | null;
  messageid: string;
  conversationId: string;
  created: string;
  isDeleted: boolean;
}

export interface StatusUpdateStanza {
  status: Message['deliveryStatus'];
  uniqueid: string;
  messageid: string;
  conversationId: string;
}

export interface DeletedStanza {
  uniqueid: string;
  messageid: string;
  conversationId: string;
  from: string;
  to: string;
  deletedAt: string;
}

export function imStanza(message: Message, sender: User): ImStanza {
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
    messageid: message.id,
    conversationId: message.conversationId,
    created: message.createdAt.toISOString(),
    isDeleted: message.deletedAt !== null,
  };
}

export function statusUpdateStanza(message: Message): StatusUpdateStanza {
  return { status: message.deliveryStatus, uniqueid: message.uniqueId, messageid: message.id, conversationId: message.conversationId };
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
