import type { MessageAttachment } from '../attachments/attachment.entity';
import type { DeliveryStatus, DrfiData, DrfiFieldValue, MessageType } from './message.schema';

export type { DeliveryStatus, DrfiData, DrfiFieldValue, MessageType };

export interface Message {
  id: string;
  conversationId: string;
  senderId: string;
  receiverId: string;
  uniqueId: string;
  type: MessageType;
  text: string;
  fileType: string | null;
  /** A photo, video, voice note or file (a copy of what the attachment was when it was sent). */
  attachment: MessageAttachment | null;
  deliveryStatus: DeliveryStatus;
  deliveredAt: Date | null;
  seenAt: Date | null;
  deletedAt: Date | null;
  createdAt: Date;
  changedAt: Date;
  drfi: DrfiData | null;
  /** Its position in the conversation's history pages (null: from before they existed). */
  seq: number | null;
  /** The message of the same conversation it quotes (a reply), if it does. */
  replyTo: string | null;
  /** When its text was last edited (null: never), and how many times. */
  editedAt: Date | null;
  editCount: number;
  /** Each member's reaction (one emoji each), oldest first; and how many reaction changes there were. */
  reactions: MessageReaction[];
  reactionCount: number;
}

export interface MessageReaction {
  userId: string;
  emoji: string;
  at: Date;
}

/** What a writer gives; the rest (id, status, dates) the repository sets. */
export type NewMessage = Pick<Message, 'conversationId' | 'senderId' | 'receiverId' | 'uniqueId' | 'type' | 'text'> &
  Partial<Pick<Message, 'fileType' | 'drfi' | 'attachment' | 'replyTo'>>;
