import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OBJECT_ID_PATTERN } from '@app/common';
import { ATTACHMENT_KINDS, AttachmentKind, MessageAttachment } from '@app/dal';
import type { AttachmentLinks } from '@app/storage';

/** An attachment as clients see it: in history, in socket `im` and sync, and from the upload API. */
export class AttachmentDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '6650f1c2a4b5c6d7e8f90123' })
  id: string;

  @ApiProperty({ enum: ATTACHMENT_KINDS, description: "What it is to a chat client (the message's file_type): image, video, audio (a voice note) or file" })
  type: AttachmentKind;

  @ApiProperty({ example: 'beach.jpg' })
  name: string;

  @ApiProperty({ description: 'Bytes', example: 482133 })
  size: number;

  @ApiProperty({ description: 'Sniffed from the bytes, not taken from the client', example: 'image/jpeg' })
  mimeType: string;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Images: pixels, upright', example: 1600 })
  width: number | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 1200 })
  height: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Video and audio, when the container says', example: 12_400 })
  durationMs: number | null;

  @ApiProperty({ description: 'Signed URL of the file (relative to the API unless PUBLIC_URL is set); works until urlExpiresAt, for anyone holding it', example: '/Chat/Attachments/6650f1c2a4b5c6d7e8f90123/file?expires=1767225600&signature=Qm9vaw' })
  url: string;

  @ApiProperty({ type: String, nullable: true, description: 'Signed URL of a WebP thumbnail (images), else null' })
  thumbnailUrl: string | null;

  @ApiProperty({ format: 'date-time', description: 'When url and thumbnailUrl stop working: read the message or GET /Chat/Attachments/{id} again for fresh ones' })
  urlExpiresAt: string;
}

/** The view of an attachment with links signed now. */
export function attachmentView(attachment: MessageAttachment, links: AttachmentLinks): AttachmentDto {
  const file = links.sign(attachment.id, 'file');
  return {
    id: attachment.id,
    type: attachment.kind,
    name: attachment.name,
    size: attachment.size,
    mimeType: attachment.mimeType,
    width: attachment.width,
    height: attachment.height,
    durationMs: attachment.durationMs,
    url: file.url,
    thumbnailUrl: attachment.hasThumbnail ? links.sign(attachment.id, 'thumbnail').url : null,
    urlExpiresAt: file.expiresAt.toISOString(),
  };
}

/** An upload, for its owner: its state, and once it is ready, what it is and its links. */
export class UploadedAttachmentDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN })
  id: string;

  @ApiProperty({ enum: ['uploading', 'ready', 'sent'], description: 'ready: send it in a message (attachmentId); sent: it is in one' })
  state: string;

  @ApiProperty({ example: 'beach.jpg' })
  name: string;

  @ApiProperty({ description: 'Bytes (the whole file)' })
  size: number;

  @ApiPropertyOptional({ type: AttachmentDto, description: 'Once ready (absent while uploading)' })
  attachment?: AttachmentDto;
}
