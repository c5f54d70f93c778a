import { MemberCounts } from '@app/dal';
import { mapMessage } from '../../messages/dto/message.response.dto';
import type { ChatParty, ConversationView, ShownMessages } from '../conversation-queries.service';
import {
  ChatUserDto,
  ConversationDetailsDto,
  ConversationSummaryDto,
  ConversationWithMessagesDto,
} from './conversation.response.dto';

export function mapChatUser(party: ChatParty): ChatUserDto {
  return { id: party.user.id, name: party.user.name, avatar: party.user.avatar, online: party.online };
}

function mapShown(shown: ShownMessages, viewerId: string) {
  return shown.messages.map((m) => mapMessage(m, viewerId, shown.display.get(m.id)));
}

export function mapConversationWithMessages(view: ConversationView & ShownMessages): ConversationWithMessagesDto {
  return {
    id: view.conversation.id,
    name: view.other.user.name,
    isGroupChat: false,
    from: mapChatUser(view.other),
    userIds: [...view.conversation.userIds],
    users: [mapChatUser(view.other), mapChatUser(view.me)],
    messages: mapShown(view, view.me.user.id),
  };
}

export function mapConversationSummary(view: ConversationView & { counts: MemberCounts }): ConversationSummaryDto {
  return {
    conversationId: view.conversation.id,
    fromAccountId: view.other.user.accountId,
    fromProfile: { id: view.other.user.id, displayName: view.other.user.name, avatar: view.other.user.avatar, online: view.other.online },
    ...view.counts,
  };
}

export function mapConversationDetails(view: ConversationView & ShownMessages & { hasMore: boolean }): ConversationDetailsDto {
  return {
    id: view.conversation.id,
    from: mapChatUser(view.other),
    userIds: [...view.conversation.userIds],
    messages: mapShown(view, view.me.user.id),
    hasMore: view.hasMore,
  };
}
