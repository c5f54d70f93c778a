import type { User } from '@app/dal';
import { createUser, linkUsers } from '@app/testing';
import type { Socket } from 'socket.io-client';
import { connect } from './socket-client';
import type { TestApp } from './test-app';

export interface Session {
  user: User;
  token: string;
  auth: { Authorization: string };
}

/** A user in the database with a valid token. */
export async function session(app: TestApp, options: { admin?: boolean; name?: string } = {}): Promise<Session> {
  const user = await createUser(app, options.name ? { name: options.name } : {});
  const token = app.tokenFor(user.id, { admin: options.admin });
  return { user, token, auth: { Authorization: `Bearer ${token}` } };
}

/** A session with a connected socket.io client (close it with `socket.close()`). */
export async function connectedSession(app: TestApp, options: { name?: string } = {}): Promise<Session & { socket: Socket }> {
  const who = await session(app, options);
  return { ...who, socket: await connect(app, who.token) };
}

/** Two linked users (a conversation between them) and an outsider linked to neither. */
export async function conversationFixture(app: TestApp) {
  const alice = await session(app, { name: 'Alice' });
  const bob = await session(app, { name: 'Bob' });
  const outsider = await session(app, { name: 'Mallory' });
  const conversationId = await linkUsers(app, alice.user, bob.user);
  return { alice, bob, outsider, conversationId };
}
