import { truncateText } from '@app/common';
import type { Message, PushContent, User } from '@app/dal';
import { mapMessage } from './dto/message.response.dto';

/** The longest push body, in characters (code points; a longer text is cut on a grapheme boundary). */
const PUSH_BODY_MAX = 200;

/** A chat message's push: the seed's message object (JSON in data.payload), the sender's name and the text. */
export function messagePushContent(message: Message, sender: User): PushContent {
  const body = truncateText(message.text, PUSH_BODY_MAX);
  return {
    data: { type: 'message', payload: JSON.stringify(mapMessage(message, message.receiverId)) },
    title: sender.name,
    body,
    collapseId: message.id,
  };
}
