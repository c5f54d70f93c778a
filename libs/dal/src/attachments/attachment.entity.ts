import type { AttachmentKind, AttachmentState } from './attachment.schema';

export type { AttachmentKind, AttachmentState };

export interface Attachment {
  id: string;
  ownerId: string;
  receiverId: string;
  conversationId: string;
  state: AttachmentState;
  name: string;
  declaredType: string | null;
  size: number;
  mimeType: string | null;
  kind: AttachmentKind | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  fileKey: string | null;
  thumbnailKey: string | null;
  messageId: string | null;
  bytesRemoved: boolean;
  createdAt: Date;
  changedAt: Date;
}

/** What the server learnt from the bytes once an upload completed. */
export type AttachmentDetails = Pick<Attachment, 'mimeType' | 'kind' | 'width' | 'height' | 'durationMs' | 'fileKey' | 'thumbnailKey'>;

/** An attachment as its message keeps it (a copy: history and sync read nothing more). */
export interface MessageAttachment {
  id: string;
  kind: AttachmentKind;
  name: string;
  size: number;
  mimeType: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  hasThumbnail: boolean;
}

export function messageAttachmentOf(attachment: Attachment): MessageAttachment {
  return {
    id: attachment.id,
    kind: attachment.kind ?? 'file',
    name: attachment.name,
    size: attachment.size,
    mimeType: attachment.mimeType ?? 'application/octet-stream',
    width: attachment.width,
    height: attachment.height,
    durationMs: attachment.durationMs,
    hasThumbnail: attachment.thumbnailKey !== null,
  };
}
