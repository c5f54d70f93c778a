import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { createUser, eventually, linkUsers } from '@app/testing';
import { session, Session } from './support/session';
import { connect, emitAck } from './support/socket-client';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Every REST operation in docs/openapi.json and every client event in docs/protocol.md, called by
 * the owner of the object it acts on, the other member of the owner's conversation, an outsider,
 * and an admin, each on a fresh set of objects. A new operation or event without a rule here fails
 * the first test. Besides the status, no one but the owner (or an admin) may see the owner's vault
 * value or device token, and the outsider never sees the conversation's text.
 */

type Role = 'owner' | 'member' | 'outsider' | 'admin';
const ROLES: Role[] = ['owner', 'member', 'outsider', 'admin'];
/** 'ok': any 2xx. 'self': the operation acts on the caller's own data only, so everyone gets 2xx. */
type Outcome = 'ok' | 400 | 403 | 404;

interface World {
  who: Record<Role, Session>;
  conversationId: string;
  messageId: string;
  messageText: string;
  drfiRequestId: string;
  vaultValue: string;
  deviceToken: string;
  /** The owner's file (a text file) sent to the member in a message, and its signed link. */
  attachmentId: string;
  fileLink: string;
  /** The owner's tus upload to the member, 5 of 10 bytes in. */
  uploadId: string;
  /** A user no one is linked to, for the operations that add or link someone. */
  stranger: { id: string; accountId: string };
  /** The stranger's invitation to the owner, and the owner's to a second stranger. */
  invitationToOwner: string;
  invitationFromOwner: string;
  /** The member's report of the owner's message. */
  reportId: string;
  /** A user the owner blocked. */
  blockedByOwner: string;
}

type Call = (app: TestApp, w: World, role: Role) => Promise<Response>;

const admin403: Record<Role, Outcome> = { owner: 403, member: 403, outsider: 403, admin: 'ok' };
const everyone: Record<Role, Outcome> = { owner: 'ok', member: 'ok', outsider: 'ok', admin: 'ok' };
const otherOf = (w: World, role: Role) => (role === 'owner' ? w.who.member : w.who.owner);

const REST: Record<string, { call: Call; expect: Record<Role, Outcome> }> = {
  'GET /': { call: (app) => app.http().get('/'), expect: everyone },
  'GET /health': { call: (app) => app.http().get('/health'), expect: everyone },
  'GET /health/live': { call: (app) => app.http().get('/health/live'), expect: everyone },
  'GET /health/ready': { call: (app) => app.http().get('/health/ready'), expect: everyone },
  'POST /Admin/Users': {
    call: (app, w, role) => app.http().post('/Admin/Users').set(w.who[role].auth).send({ name: 'New', phone: `+659${String(Date.now()).slice(-7)}` }),
    expect: admin403,
  },
  'GET /Admin/Users': { call: (app, w, role) => app.http().get('/Admin/Users').set(w.who[role].auth), expect: admin403 },
  'POST /Admin/Users/{userId}/RevokeSessions': {
    call: (app, w, role) => app.http().post(`/Admin/Users/${w.stranger.id}/RevokeSessions`).set(w.who[role].auth),
    expect: admin403,
  },
  'POST /Admin/Users/{userId}/Suspend': { call: (app, w, role) => app.http().post(`/Admin/Users/${w.stranger.id}/Suspend`).set(w.who[role].auth), expect: admin403 },
  'POST /Admin/Users/{userId}/Restore': { call: (app, w, role) => app.http().post(`/Admin/Users/${w.stranger.id}/Restore`).set(w.who[role].auth), expect: admin403 },
  'GET /Network/Members': { call: (app, w, role) => app.http().get('/Network/Members').set(w.who[role].auth), expect: everyone },
  'POST /Network/Members': {
    call: (app, w, role) => app.http().post('/Network/Members').set(w.who[role].auth).send({ accountId: w.stranger.accountId }),
    expect: everyone,
  },
  'DELETE /Network/Members/{userId}': {
    call: (app, w, role) => app.http().delete(`/Network/Members/${otherOf(w, role).user.id}`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 'ok', outsider: 404, admin: 404 },
  },
  'GET /Network/Invitations': { call: (app, w, role) => app.http().get('/Network/Invitations').set(w.who[role].auth), expect: everyone },
  'POST /Network/Invitations/{invitationId}/Accept': {
    call: (app, w, role) => app.http().post(`/Network/Invitations/${w.invitationToOwner}/Accept`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 404, outsider: 404, admin: 404 },
  },
  'POST /Network/Invitations/{invitationId}/Decline': {
    call: (app, w, role) => app.http().post(`/Network/Invitations/${w.invitationToOwner}/Decline`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 404, outsider: 404, admin: 404 },
  },
  'DELETE /Network/Invitations/{invitationId}': {
    call: (app, w, role) => app.http().delete(`/Network/Invitations/${w.invitationFromOwner}`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 404, outsider: 404, admin: 404 },
  },
  'GET /Network/Blocks': { call: (app, w, role) => app.http().get('/Network/Blocks').set(w.who[role].auth), expect: everyone },
  'POST /Network/Blocks': { call: (app, w, role) => app.http().post('/Network/Blocks').set(w.who[role].auth).send({ userId: w.stranger.id }), expect: everyone },
  'DELETE /Network/Blocks/{userId}': {
    call: (app, w, role) => app.http().delete(`/Network/Blocks/${w.blockedByOwner}`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 404, outsider: 404, admin: 404 },
  },
  'POST /Reports': {
    call: (app, w, role) => app.http().post('/Reports').set(w.who[role].auth).send({ messageId: w.messageId, reason: 'spam' }),
    expect: { owner: 400, member: 'ok', outsider: 404, admin: 404 },
  },
  'GET /Admin/Reports': { call: (app, w, role) => app.http().get('/Admin/Reports').set(w.who[role].auth), expect: admin403 },
  'POST /Admin/Reports/{reportId}/Close': {
    call: (app, w, role) => app.http().post(`/Admin/Reports/${w.reportId}/Close`).set(w.who[role].auth).send({ resolution: 'dismissed' }),
    expect: admin403,
  },
  'GET /Admin/Audit': { call: (app, w, role) => app.http().get('/Admin/Audit').set(w.who[role].auth), expect: admin403 },
  'DELETE /Admin/Messages/{messageId}': { call: (app, w, role) => app.http().delete(`/Admin/Messages/${w.messageId}`).set(w.who[role].auth), expect: admin403 },
  'POST /Admin/Network': {
    call: (app, w, role) => app.http().post('/Admin/Network').set(w.who[role].auth).send({ userId: w.who.owner.user.id, memberId: w.stranger.id }),
    expect: admin403,
  },
  'DELETE /Admin/Network': {
    call: (app, w, role) => app.http().delete(`/Admin/Network?userId=${w.who.owner.user.id}&memberId=${w.who.member.user.id}`).set(w.who[role].auth),
    expect: admin403,
  },
  'GET /Chat/Conversations': { call: (app, w, role) => app.http().get('/Chat/Conversations').set(w.who[role].auth), expect: everyone },
  'GET /Chat/Conversations/List': { call: (app, w, role) => app.http().get('/Chat/Conversations/List').set(w.who[role].auth), expect: everyone },
  'GET /Chat/Conversation': {
    call: (app, w, role) => app.http().get(`/Chat/Conversation?withUserId=${otherOf(w, role).user.id}`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 'ok', outsider: 404, admin: 404 },
  },
  'POST /Chat/Message/Add': {
    call: (app, w, role) =>
      app.http().post('/Chat/Message/Add').set(w.who[role].auth).send({ conversationId: w.conversationId, ToReceiverId: otherOf(w, role).user.id, text: 'hello' }),
    expect: { owner: 'ok', member: 'ok', outsider: 404, admin: 404 },
  },
  'POST /Chat/Message/MarkRead/{messageId}': {
    call: (app, w, role) => app.http().post(`/Chat/Message/MarkRead/${w.messageId}`).set(w.who[role].auth),
    expect: { owner: 403, member: 'ok', outsider: 404, admin: 404 },
  },
  'POST /Chat/Conversation/MarkRead/{conversationId}': {
    call: (app, w, role) => app.http().post(`/Chat/Conversation/MarkRead/${w.conversationId}`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 'ok', outsider: 404, admin: 404 },
  },
  'POST /Chat/Message/Delete': {
    call: (app, w, role) =>
      app.http().post('/Chat/Message/Delete').set(w.who[role].auth).send({ conversationId: w.conversationId, ToReceiverId: otherOf(w, role).user.id, messageid: w.messageId }),
    expect: { owner: 'ok', member: 403, outsider: 404, admin: 404 },
  },
  'POST /Chat/Message/Edit': {
    call: (app, w, role) => app.http().post('/Chat/Message/Edit').set(w.who[role].auth).send({ messageid: w.messageId, text: 'edited text' }),
    expect: { owner: 'ok', member: 403, outsider: 404, admin: 404 },
  },
  'POST /Chat/Message/React': {
    call: (app, w, role) => app.http().post('/Chat/Message/React').set(w.who[role].auth).send({ messageid: w.messageId, emoji: '👍' }),
    expect: { owner: 'ok', member: 'ok', outsider: 404, admin: 404 },
  },
  'POST /Chat/Sync': { call: (app, w, role) => app.http().post('/Chat/Sync').set(w.who[role].auth).send({}), expect: everyone },
  'GET /Vault/Fields': { call: (app, w, role) => app.http().get('/Vault/Fields').set(w.who[role].auth), expect: everyone },
  'GET /Vault': { call: (app, w, role) => app.http().get('/Vault').set(w.who[role].auth), expect: everyone },
  'PUT /Vault': {
    call: (app, w, role) => app.http().put('/Vault').set(w.who[role].auth).send({ fields: [{ path: '.contact.email', value: `${role}@example.com` }] }),
    expect: everyone,
  },
  'POST /Chat/Drfi/Accept': {
    call: (app, w, role) =>
      app
        .http()
        .post('/Chat/Drfi/Accept')
        .set(w.who[role].auth)
        .send({ messageId: w.drfiRequestId, fields: [{ source: 'vaultCurrentValue', path: '.contact.mobile', value: w.vaultValue }] }),
    expect: { owner: 'ok', member: 403, outsider: 404, admin: 404 },
  },
  'POST /Chat/Drfi/Deny': {
    call: (app, w, role) => app.http().post(`/Chat/Drfi/Deny?messageId=${w.drfiRequestId}`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 403, outsider: 404, admin: 404 },
  },
  'GET /Admin/Drfi/Audit': { call: (app, w, role) => app.http().get(`/Admin/Drfi/Audit?userId=${w.who.owner.user.id}`).set(w.who[role].auth), expect: admin403 },
  'POST /Push/Tokens': {
    call: (app, w, role) => app.http().post('/Push/Tokens').set(w.who[role].auth).send({ token: `own-${role}-${randomUUID()}`, platform: 'android' }),
    expect: everyone,
  },
  'GET /Push/Tokens': { call: (app, w, role) => app.http().get('/Push/Tokens').set(w.who[role].auth), expect: everyone },
  'DELETE /Push/Tokens/{token}': {
    call: (app, w, role) => app.http().delete(`/Push/Tokens/${w.deviceToken}`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 404, outsider: 404, admin: 404 },
  },
  'POST /Chat/Attachments/Uploads': {
    call: (app, w, role) =>
      app
        .http()
        .post('/Chat/Attachments/Uploads')
        .set(w.who[role].auth)
        .set('Tus-Resumable', '1.0.0')
        .set('Upload-Length', '10')
        .set('Upload-Metadata', tusMetadata({ receiverId: otherOf(w, role).user.id, filename: 'notes.txt' })),
    expect: { owner: 'ok', member: 'ok', outsider: 404, admin: 404 },
  },
  // tus's capabilities: nothing of anyone's (the same headers for every upload id, a real one or not).
  'OPTIONS /Chat/Attachments/Uploads': { call: (app) => app.http().options('/Chat/Attachments/Uploads').set('Tus-Resumable', '1.0.0'), expect: everyone },
  'OPTIONS /Chat/Attachments/Uploads/{id}': { call: (app, w) => app.http().options(`/Chat/Attachments/Uploads/${w.uploadId}`).set('Tus-Resumable', '1.0.0'), expect: everyone },
  'HEAD /Chat/Attachments/Uploads/{id}': {
    call: (app, w, role) => app.http().head(`/Chat/Attachments/Uploads/${w.uploadId}`).set(w.who[role].auth).set('Tus-Resumable', '1.0.0'),
    expect: { owner: 'ok', member: 404, outsider: 404, admin: 404 },
  },
  'PATCH /Chat/Attachments/Uploads/{id}': {
    call: (app, w, role) =>
      app
        .http()
        .patch(`/Chat/Attachments/Uploads/${w.uploadId}`)
        .set(w.who[role].auth)
        .set('Tus-Resumable', '1.0.0')
        .set('Upload-Offset', '5')
        .set('Content-Type', 'application/offset+octet-stream')
        .send(Buffer.from('wor')),
    expect: { owner: 'ok', member: 404, outsider: 404, admin: 404 },
  },
  'DELETE /Chat/Attachments/Uploads/{id}': {
    call: (app, w, role) => app.http().delete(`/Chat/Attachments/Uploads/${w.uploadId}`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 404, outsider: 404, admin: 404 },
  },
  'POST /Chat/Attachments': {
    call: (app, w, role) =>
      app.http().post('/Chat/Attachments').set(w.who[role].auth).field('receiverId', otherOf(w, role).user.id).attach('file', Buffer.from('hello there'), { filename: 'hi.txt', contentType: 'text/plain' }),
    expect: { owner: 'ok', member: 'ok', outsider: 404, admin: 404 },
  },
  'GET /Chat/Attachments/{id}': {
    call: (app, w, role) => app.http().get(`/Chat/Attachments/${w.attachmentId}`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 'ok', outsider: 404, admin: 404 },
  },
  // The link is the credential (an <img> sends no token): whoever holds it until it expires.
  'GET /Chat/Attachments/{id}/{variant}': { call: (app, w) => app.http().get(w.fileLink), expect: everyone },
  'GET /Admin/Push/Tokens': { call: (app, w, role) => app.http().get(`/Admin/Push/Tokens?userId=${w.who.owner.user.id}`).set(w.who[role].auth), expect: admin403 },
  'DELETE /Admin/Push/Tokens/{token}': {
    call: (app, w, role) => app.http().delete(`/Admin/Push/Tokens/${w.deviceToken}`).set(w.who[role].auth),
    expect: admin403,
  },
  // Data rights: a user's own export and erasure; an admin's for anyone (docs/security.md, "Data rights").
  'POST /Me/Exports': { call: (app, w, role) => app.http().post('/Me/Exports').set(w.who[role].auth), expect: everyone },
  'GET /Me/Exports/{exportId}': {
    call: async (app, w, role) => app.http().get(`/Me/Exports/${await ownerExport(app, w)}`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 404, outsider: 404, admin: 404 },
  },
  'GET /Me/Exports/{exportId}/Archive': {
    call: async (app, w, role) => app.http().get(`/Me/Exports/${await ownerExport(app, w, { ready: true })}/Archive`).set(w.who[role].auth),
    expect: { owner: 'ok', member: 404, outsider: 404, admin: 404 },
  },
  'POST /Me/Erasure': { call: (app, w, role) => app.http().post('/Me/Erasure').set(w.who[role].auth), expect: everyone },
  'GET /Me/Erasure': {
    call: async (app, w, role) => {
      await app.http().post('/Me/Erasure').set(w.who[role].auth).expect(202);
      return app.http().get('/Me/Erasure').set(w.who[role].auth);
    },
    expect: everyone,
  },
  'DELETE /Me/Erasure': {
    call: async (app, w, role) => {
      await app.http().post('/Me/Erasure').set(w.who[role].auth).expect(202);
      return app.http().delete('/Me/Erasure').set(w.who[role].auth);
    },
    expect: everyone,
  },
  'POST /Admin/Users/{userId}/Exports': { call: (app, w, role) => app.http().post(`/Admin/Users/${w.stranger.id}/Exports`).set(w.who[role].auth), expect: admin403 },
  'GET /Admin/Exports/{exportId}': {
    call: async (app, w, role) => app.http().get(`/Admin/Exports/${await ownerExport(app, w)}`).set(w.who[role].auth),
    expect: admin403,
  },
  'GET /Admin/Exports/{exportId}/Archive': {
    call: async (app, w, role) => app.http().get(`/Admin/Exports/${await ownerExport(app, w, { ready: true })}/Archive`).set(w.who[role].auth),
    expect: admin403,
  },
  // Never `immediately` here: the stranger is scheduled for erasure after the grace period.
  'POST /Admin/Users/{userId}/Erasure': { call: (app, w, role) => app.http().post(`/Admin/Users/${w.stranger.id}/Erasure`).set(w.who[role].auth).send({}), expect: admin403 },
  'GET /Admin/Users/{userId}/Erasure': {
    call: async (app, w, role) => {
      await app.http().post(`/Admin/Users/${w.stranger.id}/Erasure`).set(w.who.admin.auth).send({}).expect(202);
      return app.http().get(`/Admin/Users/${w.stranger.id}/Erasure`).set(w.who[role].auth);
    },
    expect: admin403,
  },
  'DELETE /Admin/Users/{userId}/Erasure': {
    call: async (app, w, role) => {
      await app.http().post(`/Admin/Users/${w.stranger.id}/Erasure`).set(w.who.admin.auth).send({}).expect(202);
      return app.http().delete(`/Admin/Users/${w.stranger.id}/Erasure`).set(w.who[role].auth);
    },
    expect: admin403,
  },
  'GET /Admin/Push/Recent': { call: (app, w, role) => app.http().get(`/Admin/Push/Recent?userId=${w.who.owner.user.id}`).set(w.who[role].auth), expect: admin403 },
};

/** The owner's data export (made once per world), when asked for ready: once its archive is. */
async function ownerExport(app: TestApp, w: World, options: { ready?: boolean } = {}): Promise<string> {
  const job = (await app.http().post('/Me/Exports').set(w.who.owner.auth).expect(202)).body.data;
  if (options.ready) {
    await eventually(async () => expect((await app.http().get(`/Me/Exports/${job.exportId}`).set(w.who.owner.auth).expect(200)).body.data.state).toBe('ready'));
  }
  return job.exportId;
}

/** Socket events: the ack's status, or the error code. */
const SOCKET: Record<string, { payload: (w: World, role: Role) => object; expect: Record<Role, string> }> = {
  im: {
    payload: (w, role) => ({ to: otherOf(w, role).user.id, from: w.who[role].user.id, msg: 'over the socket', uniqueid: randomUUID() }),
    expect: { owner: 'sent', member: 'sent', outsider: 'NOT_A_NETWORK_MEMBER', admin: 'NOT_A_NETWORK_MEMBER' },
  },
  messageStatusUpdate: {
    payload: (w) => ({ status: 'delivered', uniqueid: 'access-walk-message', sender: w.who.owner.user.id }),
    expect: { owner: 'NOT_MESSAGE_RECEIVER', member: 'statusUpdated', outsider: 'MESSAGE_NOT_FOUND', admin: 'MESSAGE_NOT_FOUND' },
  },
  sync: { payload: () => ({}), expect: { owner: 'synced', member: 'synced', outsider: 'synced', admin: 'synced' } },
  // The same ack for anyone: nothing says whether the other party is linked (a block unlinks).
  typing: {
    payload: (w, role) => ({ to: otherOf(w, role).user.id, typing: true }),
    expect: { owner: 'typing', member: 'typing', outsider: 'typing', admin: 'typing' },
  },
  react: {
    payload: (w) => ({ messageid: w.messageId, emoji: '🎉' }),
    expect: { owner: 'reacted', member: 'reacted', outsider: 'MESSAGE_NOT_FOUND', admin: 'MESSAGE_NOT_FOUND' },
  },
  edit: {
    payload: (w) => ({ messageid: w.messageId, text: 'edited over the socket' }),
    expect: { owner: 'edited', member: 'NOT_MESSAGE_SENDER', outsider: 'MESSAGE_NOT_FOUND', admin: 'MESSAGE_NOT_FOUND' },
  },
};

const tusMetadata = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');

function documentedOperations(): string[] {
  const doc = JSON.parse(readFileSync(join(__dirname, '../docs/openapi.json'), 'utf8'));
  return Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
}

function documentedClientEvents(): string[] {
  const protocol = readFileSync(join(__dirname, '../docs/protocol.md'), 'utf8');
  const rows = protocol.split('\n').filter((line) => /^\| `\w+` \| client/.test(line));
  return [...new Set(rows.map((line) => /^\| `(\w+)`/.exec(line)![1]))];
}

describe('Access control on every operation and event', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  /** Fresh objects for each case: the owner's conversation with the member, a message, a DRFI request to the owner, a vault value, a device token. */
  async function world(): Promise<World> {
    const who = { owner: await session(app), member: await session(app), outsider: await session(app), admin: await session(app, { admin: true }) };
    const conversationId = await linkUsers(app, who.owner.user, who.member.user);
    const messageText = `private text ${randomUUID()}`;
    const sent = await app
      .http()
      .post('/Chat/Message/Add')
      .set(who.owner.auth)
      .send({ conversationId, ToReceiverId: who.member.user.id, text: messageText, uniqueid: 'access-walk-message' })
      .expect(200);
    const vaultValue = `+6598${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    await app.http().put('/Vault').set(who.owner.auth).send({ fields: [{ path: '.contact.mobile', value: vaultValue }] }).expect(200);
    const drfi = await app
      .http()
      .post('/Chat/Message/Add')
      .set(who.member.auth)
      .send({ conversationId, ToReceiverId: who.owner.user.id, type: 'drfi', drfiPaths: ['.contact.mobile'] })
      .expect(200);
    const deviceToken = `owner-device-${randomUUID()}`;
    await app.http().post('/Push/Tokens').set(who.owner.auth).send({ token: deviceToken, platform: 'ios' }).expect((res) => expect(res.status).toBeLessThan(300));
    const stranger = await createUser(app);
    const file = await app.http().post('/Chat/Attachments').set(who.owner.auth).field('receiverId', who.member.user.id).attach('file', Buffer.from('meeting notes'), { filename: 'notes.txt', contentType: 'text/plain' }).expect(201);
    await app.http().post('/Chat/Message/Add').set(who.owner.auth).send({ conversationId, ToReceiverId: who.member.user.id, attachmentId: file.body.data.id }).expect(200);
    const upload = await app
      .http()
      .post('/Chat/Attachments/Uploads')
      .set(who.owner.auth)
      .set('Tus-Resumable', '1.0.0')
      .set('Upload-Length', '10')
      .set('Upload-Metadata', tusMetadata({ receiverId: who.member.user.id, filename: 'part.txt' }))
      .set('Content-Type', 'application/offset+octet-stream')
      .send(Buffer.from('hello'))
      .expect(201);
    const uploadId = /[0-9a-f]{24}$/.exec(upload.headers.location)![0];
    const strangerAuth = { Authorization: `Bearer ${app.tokenFor(stranger.id)}` };
    const invitationToOwner = (await app.http().post('/Network/Members').set(strangerAuth).send({ phone: who.owner.user.phone }).expect(202)).body.data.invitationId;
    const invitationFromOwner = (await app.http().post('/Network/Members').set(who.owner.auth).send({ accountId: (await createUser(app)).accountId }).expect(202)).body.data.invitationId;
    const reportId = (await app.http().post('/Reports').set(who.member.auth).send({ messageId: sent.body.data.messageId, reason: 'other' }).expect(201)).body.data.reportId;
    const blockedByOwner = (await createUser(app)).id;
    await app.http().post('/Network/Blocks').set(who.owner.auth).send({ userId: blockedByOwner }).expect(201);
    return {
      invitationToOwner, invitationFromOwner, reportId, blockedByOwner,
      attachmentId: file.body.data.id, fileLink: file.body.data.attachment.url, uploadId,
      who, conversationId, messageId: sent.body.data.messageId, messageText, drfiRequestId: drfi.body.data.messageId, vaultValue, deviceToken,
      stranger: { id: stranger.id, accountId: stranger.accountId },
    };
  }

  /** What the role may not see of the owner's: the vault value and device token (owner and admin only), the text (members only). */
  function expectNoLeak(body: string, w: World, role: Role, what: string) {
    if (role !== 'owner' && role !== 'admin') {
      expect({ what, vault: body.includes(w.vaultValue), token: body.includes(w.deviceToken) }).toEqual({ what, vault: false, token: false });
    }
    if (role === 'outsider') expect({ what, text: body.includes(w.messageText) }).toEqual({ what, text: false });
  }

  it('has a rule for every documented REST operation and client event, and none for anything undocumented', () => {
    expect(Object.keys(REST).sort()).toEqual(documentedOperations().sort());
    expect(Object.keys(SOCKET).sort()).toEqual(documentedClientEvents().sort());
  });

  const restCases = Object.entries(REST).flatMap(([operation, rule]) => ROLES.map((role) => [operation, role, rule.expect[role]] as const));
  it.each(restCases)('%s by the %s: %s', async (operation, role, outcome) => {
    const w = await world();
    const res = await REST[operation].call(app, w, role);
    const got = res.status < 300 ? 'ok' : res.status;
    expect({ operation, role, got, ...(got !== outcome ? { body: res.body } : {}) }).toEqual({ operation, role, got: outcome });
    expectNoLeak(JSON.stringify(res.body), w, role, operation);
  });

  const socketCases = Object.entries(SOCKET).flatMap(([event, rule]) => ROLES.map((role) => [event, role, rule.expect[role]] as const));
  it.each(socketCases)('socket %s by the %s: %s', async (event, role, outcome) => {
    const w = await world();
    const socket = await connect(app, w.who[role].token);
    try {
      const ack = await emitAck<{ status?: string; error?: { code: string } }>(socket, event, SOCKET[event].payload(w, role));
      expect(ack.error?.code ?? ack.status).toBe(outcome);
      expectNoLeak(JSON.stringify(ack), w, role, event);
    } finally {
      socket.close();
    }
  });
});
