import type { Message, PushContent, User } from '@app/dal';
import { mapMessage } from './dto/message.response.dto';

/** A chat message's push: the seed's message object (JSON in data.payload), the sender's name and the text. */
export function messagePushContent(message: Message, sender: User): PushContent {
  const body = message.text.length > 200 ? `${message.text.slice(0, 199)}…` : message.text;
  return {
    data: { type: 'message', payload: JSON.stringify(mapMessage(message, message.receiverId)) },
    title: sender.name,
    body,
    collapseId: message.id,
  };
}
