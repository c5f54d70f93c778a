import { truncateText } from '@app/common';
import type { Message, PushContent, User } from '@app/dal';
import { mapMessage } from './dto/message.response.dto';

/** The longest push body, in characters (code points; a longer text is cut on a grapheme boundary). */
const PUSH_BODY_MAX = 200;

/** What a push says of a file message instead of its content. */
const ATTACHMENT_LABELS = { image: 'Photo', video: 'Video', audio: 'Voice message', file: 'File' } as const;

/**
 * A chat message's push: the seed's message object (JSON in data.payload), the sender's name and
 * the text. A file message carries no content: the label ("Photo") as the body, and in the payload
 * neither caption nor links (the app reads the message itself).
 */
export function messagePushContent(message: Message, sender: User): PushContent {
  const attachment = message.attachment;
  const body = attachment ? ATTACHMENT_LABELS[attachment.kind] : truncateText(message.text, PUSH_BODY_MAX);
  const payload = mapMessage(attachment ? { ...message, text: '' } : message, message.receiverId);
  return {
    data: { type: 'message', payload: JSON.stringify(payload) },
    title: sender.name,
    body,
    // One notification per conversation on the device: the newest replaces the one before.
    collapseId: message.conversationId,
  };
}
