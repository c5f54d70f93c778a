import { randomUUID } from 'node:crypto';
import type { Type } from '@nestjs/common';
import { ConversationRepository, NetworkLinkRepository, NewUser, User, UserRepository } from '@app/dal';

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
