import { MemberCounts, Message } from '@app/dal';
import type { ChatParty, ConversationView } from '../chat.service';
import {
  ChatUserDto,
  ConversationDetailsDto,
  ConversationSummaryDto,
  ConversationWithMessagesDto,
} from './conversation.response.dto';
import { FieldDescriber, mapMessage } from './message.response.dto';

export function mapChatUser(party: ChatParty): ChatUserDto {
  return { id: party.user.id, name: party.user.name, avatar: party.user.avatar, online: party.online };
}

export function mapConversationWithMessages(view: ConversationView, messages: Message[], describe: FieldDescriber): ConversationWithMessagesDto {
  const viewer = view.me.user.id;
  return {
    id: view.conversation.id,
    name: view.other.user.name,
    isGroupChat: false,
    from: mapChatUser(view.other),
    userIds: [...view.conversation.userIds],
    users: [mapChatUser(view.other), mapChatUser(view.me)],
    messages: messages.map((m) => mapMessage(m, viewer, { describe })),
  };
}

export function mapConversationSummary(view: ConversationView & { counts: MemberCounts }): ConversationSummaryDto {
  return {
    conversationId: view.conversation.id,
    fromAccountId: view.other.user.accountId,
    fromProfile: { id: view.other.user.id, displayName: view.other.user.name, avatar: view.other.user.avatar },
    ...view.counts,
  };
}

export function mapConversationDetails(
  view: ConversationView,
  messages: Message[],
  hasMore: boolean,
  drfi: { describe: FieldDescriber; hints: Map<string, object[]> },
): ConversationDetailsDto {
  return {
    id: view.conversation.id,
    from: mapChatUser(view.other),
    userIds: [...view.conversation.userIds],
    messages: messages.map((m) => mapMessage(m, view.me.user.id, { describe: drfi.describe, hint: drfi.hints.get(m.id) })),
    hasMore,
  };
}
