import type { DeliveryStatus, MessageType } from './message.schema';

export type { DeliveryStatus, MessageType };

export interface Message {
  id: string;
  conversationId: string;
  senderId: string;
  receiverId: string;
  uniqueId: string;
  type: MessageType;
  text: string;
  fileType: string | null;
  deliveryStatus: DeliveryStatus;
  deliveredAt: Date | null;
  seenAt: Date | null;
  deletedAt: Date | null;
  createdAt: Date;
  changedAt: Date;
}

export interface NewMessage {
  conversationId: string;
  senderId: string;
  receiverId: string;
  uniqueId: string;
  type: MessageType;
  text: string;
  fileType?: string | null;
}
