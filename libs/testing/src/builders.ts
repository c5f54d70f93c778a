import { randomUUID } from 'node:crypto';
import type { Type } from '@nestjs/common';
import { Message, NewMessage, NewUser, User } from '@app/dal';
import { ConversationRepository, MessageRepository } from '@app/dal/messages';
import { NetworkLinkRepository } from '@app/dal/network';
import { UserRepository } from '@app/dal/users';
import { VaultRepository } from '@app/dal/vault';

/** Anything that resolves providers: a running app or a testing module. */
export interface Resolver {
  get<T>(type: Type<T>): T;
}

let sequence = Math.floor(Math.random() * 1_000_000);

/** A unique E.164 number for test data. */
export function uniquePhone(): string {
  sequence += 1;
  return `+1555${String(sequence).padStart(8, '0')}`;
}

/** Writes a user straight to the database, with sensible defaults. */
export async function createUser(app: Resolver, overrides: Partial<NewUser> = {}): Promise<User> {
  return app.get(UserRepository).create({
    accountId: randomUUID(),
    name: `User ${sequence}`,
    phone: uniquePhone(),
    avatar: null,
    ...overrides,
  });
}

/** Links two users and makes their conversation; returns the conversation id. */
export async function linkUsers(app: Resolver, a: User, b: User): Promise<string> {
  const conversation = await app.get(ConversationRepository).ensureForPair(a.id, b.id);
  await app.get(NetworkLinkRepository).link(a.id, b.id);
  return conversation.id;
}

/** Writes a message straight to the database (no sockets, no push), in the pair's conversation. */
export async function createMessage(
  app: Resolver,
  from: User,
  to: User,
  overrides: Partial<Pick<NewMessage, 'text' | 'uniqueId' | 'type' | 'drfi' | 'fileType'>> = {},
): Promise<Message> {
  const conversation = await app.get(ConversationRepository).ensureForPair(from.id, to.id);
  const { message } = await app.get(MessageRepository).insert({
    conversationId: conversation.id,
    senderId: from.id,
    receiverId: to.id,
    uniqueId: randomUUID(),
    type: 'text',
    text: `Message ${++sequence}`,
    ...overrides,
  });
  return message;
}

/** A DRFI request from `from` to `to` for these vault paths, as the DRFI module stores one. */
export function createDrfiRequest(app: Resolver, from: User, to: User, paths: string[]): Promise<Message> {
  return createMessage(app, from, to, { type: 'drfi', text: '[DRFI Request]', drfi: { paths, status: 'sent', responseMessageId: null } });
}

/** Sets some of a user's vault values (path to value). */
export async function setVaultValues(app: Resolver, owner: User, values: Record<string, string>): Promise<void> {
  await app.get(VaultRepository).apply(owner.id, Object.entries(values).map(([path, value]) => ({ path, value })));
}
