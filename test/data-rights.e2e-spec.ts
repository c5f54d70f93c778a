import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { SignJWT } from 'jose';
import { VaultRepository } from '@app/dal/vault';
import { eventually, SEAWEEDFS_TEST_CREDENTIALS } from '@app/testing';
import { PrivacyWorker } from '../apps/api/src/privacy/privacy-worker';
import { chatAs } from './support/chat-client';
import { voiceNote } from './support/media';
import { conversationFixture, session, Session } from './support/session';
import { collect, connect, disconnected, emitAck } from './support/socket-client';
import { syncFromStart } from './support/sync';
import { startTestApp, TEST_JWT_SECRET, TEST_PRIVACY, testAttachments, TestApp, testConfig } from './support/test-app';

type Storage = Parameters<typeof testAttachments>[0];

const DAY_MS = 24 * 3600 * 1000;

/** A message body's text, from any message shape the API answers with. */
interface HistoryMessage {
  messageid: string;
  text: string;
  fromMe: boolean;
  Isdeleted: boolean;
  attachment?: unknown;
  drfiFields?: unknown;
}

const uploadWhole = (app: TestApp, who: Session, receiverId: string, bytes: Buffer, name: string, type: string) =>
  app.http().post('/Chat/Attachments').set(who.auth).field('receiverId', receiverId).attach('file', bytes, { filename: name, contentType: type });

/** Alice's life in the app: text, a voice note, a vault, an answered DRFI request, a device, a report, an admin's actions. */
async function aliceWithHistory(app: TestApp) {
  const { alice, bob, outsider, conversationId } = await conversationFixture(app);
  const admin = await session(app, { admin: true });
  const secret = `alice's secret ${randomUUID()}`;
  const email = `alice-${randomUUID().slice(0, 8)}@example.com`;
  const text = (await chatAs(app, alice).send(conversationId, bob, secret).expect(200)).body.data.messageId as string;
  const note = voiceNote();
  const upload = await uploadWhole(app, alice, bob.user.id, note, 'voice note.wav', 'audio/wav').expect(201);
  const file = (await chatAs(app, alice).add({ conversationId, ToReceiverId: bob.user.id, attachmentId: upload.body.data.id }).expect(200)).body.data.messageId as string;
  const bobsText = `bob keeps this ${randomUUID()}`;
  await chatAs(app, bob).send(conversationId, alice, bobsText).expect(200);
  await app.http().put('/Vault').set(alice.auth).send({ fields: [{ path: '.contact.email', value: email }] }).expect(200);
  const request = (await chatAs(app, bob).add({ conversationId, ToReceiverId: alice.user.id, type: 'drfi', drfiPaths: ['.contact.email'] }).expect(200)).body.data.messageId as string;
  const answered = await app.http().post('/Chat/Drfi/Accept').set(alice.auth).send({ messageId: request, fields: [{ source: 'vaultCurrentValue', path: '.contact.email', value: email }] }).expect(200);
  const response = answered.body.data.responseMessageId as string;
  const deviceToken = `alice-phone-${randomUUID()}`;
  await app.http().post('/Push/Tokens').set(alice.auth).send({ token: deviceToken, platform: 'android' }).expect((res) => expect(res.status).toBeLessThan(300));
  await app.http().post('/Reports').set(alice.auth).send({ userId: outsider.user.id, reason: 'spam', note: 'alice wrote this note' }).expect(201);
  await app.http().post(`/Admin/Users/${alice.user.id}/Suspend`).set(admin.auth).expect(200);
  await app.http().post(`/Admin/Users/${alice.user.id}/Restore`).set(admin.auth).expect(200);
  return { alice, bob, admin, conversationId, secret, email, note, upload: upload.body.data.id as string, deviceToken, bobsText, ids: { text, file, request, response } };
}

const backends: [string, () => Storage][] = [
  ['the local file system', () => ({ kind: 'local', directory: '' })],
  [
    'S3 (SeaweedFS)',
    () => ({ kind: 's3', bucket: `chat-${randomUUID().slice(0, 8)}`, endpoint: process.env.S3_TEST_ENDPOINT!, region: 'us-east-1', ...SEAWEEDFS_TEST_CREDENTIALS, forcePathStyle: true }),
  ],
];

/** Data rights (docs/security.md, "Data rights"): a copy of one's data; erasure; retention. */
describe.each(backends)('data export with attachments on %s', (_name, storageFor) => {
  let app: TestApp;
  beforeAll(async () => {
    const config = testConfig();
    const wanted = storageFor();
    app = await startTestApp({ dataDir: config.dataDir, attachments: testAttachments(wanted.kind === 'local' ? { kind: 'local', directory: `${config.dataDir}/attachments` } : wanted) });
  });
  afterAll(() => app.close());

  const readyExport = (who: Session, base: string, exportId: string) =>
    eventually(async () => {
      const job = (await app.http().get(`${base}/${exportId}`).set(who.auth).expect(200)).body.data;
      expect(job.state).toBe('ready');
      return job;
    });

  it("a user's archive holds their profile, network, conversations with files, vault, DRFI, devices and audit rows; only they and admins reach it", async () => {
    const { alice, bob, admin, conversationId, secret, email, note, deviceToken, bobsText, ids } = await aliceWithHistory(app);

    const asked = await app.http().post('/Me/Exports').set(alice.auth).expect(202);
    expect(asked.body).toMatchObject({ success: true, message: 'Export requested', data: { exportId: expect.stringMatching(/^[0-9a-f]{24}$/), userId: alice.user.id } });
    const { exportId } = asked.body.data;
    // Asking again while it is made is the same export.
    const again = (await app.http().post('/Me/Exports').set(alice.auth).expect(202)).body.data;
    expect(again.state === 'ready' || again.exportId === exportId).toBe(true);

    const job = await readyExport(alice, '/Me/Exports', exportId);
    expect(job).toMatchObject({ archivePath: `/Me/Exports/${exportId}/Archive`, size: expect.any(Number), expiresAt: expect.any(String) });
    expect(job.progress).toEqual({ step: 'ready', done: job.progress.total, total: 7 });

    // Nobody else's: the other party and an outsider get 404, whether they poll or download.
    for (const path of [`/Me/Exports/${exportId}`, `/Me/Exports/${exportId}/Archive`]) {
      expect((await app.http().get(path).set(bob.auth).expect(404)).body.error.code).toBe('EXPORT_NOT_FOUND');
    }

    const download = await app.http().get(job.archivePath).set(alice.auth).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="chat-data-/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    const files = unzipSync(new Uint8Array(download.body as Buffer));
    const json = (name: string) => JSON.parse(strFromU8(files[name]));

    expect(json('profile.json')).toMatchObject({ userId: alice.user.id, name: 'Alice', phone: alice.user.phone });
    expect(json('network.json').members).toEqual([{ userId: bob.user.id, name: 'Bob' }]);
    const conversation = json(`conversations/${conversationId}.json`);
    expect(conversation.with).toEqual({ userId: bob.user.id, name: 'Bob' });
    const byId = new Map<string, Record<string, unknown>>(conversation.messages.map((m: { messageId: string }) => [m.messageId, m]));
    expect(byId.get(ids.text)).toMatchObject({ from: alice.user.id, to: bob.user.id, text: secret, type: 'text' });
    expect(conversation.messages.map((m: { text: string }) => m.text)).toContain(bobsText);
    const attachment = byId.get(ids.file)!.attachment as { file: string; name: string };
    expect(attachment).toMatchObject({ name: 'voice note.wav', file: expect.stringMatching(/^attachments\/[0-9a-f]{24}\/voice note\.wav$/) });
    expect(Buffer.from(files[attachment.file]).equals(note)).toBe(true);
    expect(json('vault.json')).toEqual([expect.objectContaining({ path: '.contact.email', value: email })]);
    const drfi = json('drfi.json');
    expect(drfi).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ messageId: ids.request, direction: 'received', drfi: expect.objectContaining({ paths: ['.contact.email'], status: 'accepted' }) }),
        expect.objectContaining({ messageId: ids.response, direction: 'sent', drfi: expect.objectContaining({ fields: [expect.objectContaining({ path: '.contact.email', value: email })] }) }),
      ]),
    );
    expect(json('push-tokens.json')).toEqual([expect.objectContaining({ token: deviceToken, platform: 'android' })]);
    const audit = json('audit.json');
    expect(audit.adminActions.map((a: { action: string }) => a.action)).toEqual(['restoreUser', 'suspendUser']);
    expect(audit.drfiEvents.map((e: { event: string }) => e.event)).toEqual(expect.arrayContaining(['accepted']));
    expect(audit.reportsFiled).toEqual([expect.objectContaining({ reporterId: alice.user.id, note: 'alice wrote this note' })]);

    // An admin reaches any export, and asks for one for any user.
    expect((await app.http().get(`/Admin/Exports/${exportId}`).set(admin.auth).expect(200)).body.data.archivePath).toBe(`/Admin/Exports/${exportId}/Archive`);
    expect((await app.http().get(`/Admin/Exports/${exportId}/Archive`).set(admin.auth).buffer(true).expect(200)).headers['content-type']).toBe('application/zip');
    const forBob = (await app.http().post(`/Admin/Users/${bob.user.id}/Exports`).set(admin.auth).expect(202)).body.data;
    expect(forBob.userId).toBe(bob.user.id);
    await readyExport(admin, '/Admin/Exports', forBob.exportId);
    // An export an admin asked for is the user's data too: their own route reaches it.
    expect((await app.http().get(`/Me/Exports/${forBob.exportId}`).set(bob.auth).expect(200)).body.data.state).toBe('ready');
    // A user that does not exist has no data.
    expect((await app.http().post(`/Admin/Users/${'0'.repeat(24)}/Exports`).set(admin.auth).expect(404)).body.error.code).toBe('MEMBER_NOT_FOUND');
  });
});

describe('account erasure', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const fileStored = (id: string) => {
    const storage = app.config.attachments.storage;
    return storage.kind === 'local' && existsSync(storage.directory) && readdirSync(storage.directory).some((f) => f.startsWith(id));
  };

  it('takes a fresh sign-in, waits out the grace period, and may be cancelled until then', async () => {
    const { alice } = await conversationFixture(app);
    // A token from a sign-in ten minutes ago (its iat) is not enough.
    const now = Math.floor(Date.now() / 1000);
    const stale = await new SignJWT({ roles: [] }).setProtectedHeader({ alg: 'HS256' }).setSubject(alice.user.id).setIssuedAt(now - 600).setExpirationTime(now + 3600).sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const refused = await app.http().post('/Me/Erasure').set('Authorization', `Bearer ${stale}`).expect(401);
    expect(refused.body.error.code).toBe('REAUTHENTICATION_REQUIRED');
    expect((await app.http().get('/Me/Erasure').set(alice.auth).expect(404)).body.error.code).toBe('ERASURE_NOT_FOUND');

    const scheduled = (await app.http().post('/Me/Erasure').set(alice.auth).expect(202)).body.data;
    expect(scheduled).toMatchObject({ userId: alice.user.id, state: 'scheduled' });
    const wait = Date.parse(scheduled.dueAt) - Date.parse(scheduled.requestedAt);
    expect(wait).toBeGreaterThanOrEqual(TEST_PRIVACY.erasureGraceMs - 1000);
    // Asking again does not postpone it.
    expect((await app.http().post('/Me/Erasure').set(alice.auth).expect(202)).body.data.dueAt).toBe(scheduled.dueAt);
    expect((await app.http().get('/Me/Erasure').set(alice.auth).expect(200)).body.data.state).toBe('scheduled');
    expect((await app.http().delete('/Me/Erasure').set(alice.auth).expect(200)).body.data.state).toBe('cancelled');
    expect((await app.http().delete('/Me/Erasure').set(alice.auth).expect(404)).body.error.code).toBe('ERASURE_NOT_FOUND');
    // Nothing happened to her meanwhile.
    await app.http().get('/Network/Members').set(alice.auth).expect(200);
  });

  it('erases a user for good: tombstones for the other party, live and on a device that was away; nothing of theirs left', async () => {
    const { alice, bob, admin, conversationId, secret, email, upload, bobsText, ids } = await aliceWithHistory(app);
    expect(fileStored(upload)).toBe(true);
    const unanswered = (await chatAs(app, alice).add({ conversationId, ToReceiverId: bob.user.id, type: 'drfi', drfiPaths: ['.contact.mobile'] }).expect(200)).body.data.messageId as string;
    const aliceSocket = await connect(app, alice.token);
    const bobLive = await connect(app, bob.token);
    try {
      const aliceGone = disconnected(aliceSocket);
      const heard = collect(bobLive, 'messageDeleted');
      const alicesMessages = [ids.text, ids.file, ids.response, unanswered];

      // Alice asks (and may still cancel); an admin skips the grace period.
      await app.http().post('/Me/Erasure').set(alice.auth).expect(202);
      const asked = await app.http().post(`/Admin/Users/${alice.user.id}/Erasure`).set(admin.auth).send({ immediately: true }).expect(202);
      expect(Date.parse(asked.body.data.dueAt)).toBeLessThanOrEqual(Date.now());
      const done = await eventually(async () => {
        const erasure = (await app.http().get(`/Admin/Users/${alice.user.id}/Erasure`).set(admin.auth).expect(200)).body.data;
        expect(erasure.state).toBe('done');
        return erasure;
      });
      expect(done).toMatchObject({ userId: alice.user.id, completedAt: expect.any(String), progress: { step: 'done' } });
      expect((await app.http().delete(`/Admin/Users/${alice.user.id}/Erasure`).set(admin.auth).expect(409)).body.error.code).toBe('ERASURE_STARTED');

      // Her sessions end: the socket is dropped, every token refused.
      await aliceGone;
      expect((await app.http().get('/Network/Members').set(alice.auth).expect(401)).body.error.code).toBe('USER_NOT_FOUND');

      // Bob's live device heard each of her messages go.
      for (const id of alicesMessages) await heard.next((d) => d.messageid === id);

      // Bob keeps the conversation: her messages as tombstones under "Deleted user", his own as they were.
      const history = await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200);
      const raw = JSON.stringify(history.body);
      for (const gone of [secret, email, 'voice note.wav', 'Alice']) expect({ gone, found: raw.includes(gone) }).toEqual({ gone, found: false });
      const messages = history.body.data.messages as HistoryMessage[];
      for (const id of alicesMessages) expect(messages.find((m) => m.messageid === id)).toMatchObject({ Isdeleted: true, text: '' });
      expect(messages.find((m) => m.fromMe && m.text === bobsText)).toBeDefined();
      const listed = (await chatAs(app, bob).conversations().expect(200)).body.conversations as { id: string; name: string }[];
      expect(listed.find((c) => c.id === conversationId)).toMatchObject({ name: 'Deleted user' });
      expect((await app.http().get('/Network/Members').set(bob.auth).expect(200)).body.data.map((m: { id: string }) => m.id)).not.toContain(alice.user.id);

      // Bob's device that was away the whole time syncs: her messages arrive as tombstones, never their content.
      const sync = await syncFromStart(app, bob);
      for (const gone of [secret, email, 'voice note.wav']) expect({ gone, found: sync.raw.includes(gone) }).toEqual({ gone, found: false });
      const fromHer = sync.list('messages').filter((m) => m.from === alice.user.id);
      expect(fromHer.map((m) => m.messageid).sort()).toEqual([...alicesMessages].sort());
      for (const m of fromHer) expect(m).toMatchObject({ msg: '', isDeleted: true, fromFullName: 'Deleted user' });
      expect(sync.list('deletes').map((d) => d.messageid)).toEqual(expect.arrayContaining(alicesMessages));

      // Her request can no longer be answered: nobody would receive the answer.
      const late = await app.http().post('/Chat/Drfi/Accept').set(bob.auth).send({ messageId: unanswered, fields: [{ source: 'newValue', path: '.contact.mobile', value: '+6591234567' }] });
      expect(late.status).toBe(404);
      expect(late.body.error.code).toBe('MESSAGE_NOT_FOUND');

      // Nobody can write to her.
      expect((await chatAs(app, bob).send(conversationId, alice, 'are you there?').expect(403)).body.error.code).toBe('RECIPIENT_NOT_IN_NETWORK');
      const ack = await emitAck(bobLive, 'im', { to: alice.user.id, from: bob.user.id, msg: 'hello?', uniqueid: randomUUID() });
      expect(ack.error?.code).toBe('NOT_A_NETWORK_MEMBER');

      // Nothing of hers is kept: the file's bytes, the vault, her devices; her number is free again.
      expect(fileStored(upload)).toBe(false);
      expect((await app.get(VaultRepository).valuesOf(alice.user.id)).size).toBe(0);
      expect((await app.http().get(`/Admin/Push/Tokens?userId=${alice.user.id}`).set(admin.auth).expect(200)).body.data).toEqual([]);
      expect((await app.http().get(`/Admin/Push/Recent?userId=${alice.user.id}`).set(admin.auth).expect(200)).body.data).toEqual([]);
      const users = (await app.http().get('/Admin/Users?limit=100').set(admin.auth).expect(200)).body.data.users as { id: string }[];
      expect(users.map((u) => u.id)).not.toContain(alice.user.id);
      await app.http().post('/Admin/Users').set(admin.auth).send({ name: 'New holder', phone: alice.user.phone }).expect(201);
      // The audit keeps ids only: what was done, to which ids.
      const audit = (await app.http().get(`/Admin/Audit?userId=${alice.user.id}`).set(admin.auth).expect(200)).body.data;
      expect(audit.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['requestUserErasure', 'suspendUser']));
      expect(JSON.stringify(audit)).not.toContain(alice.user.phone);
    } finally {
      aliceSocket.close();
      bobLive.close();
    }
  });
});

describe('message retention (MESSAGE_RETENTION_DAYS)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ privacy: { ...TEST_PRIVACY, messageRetentionMs: DAY_MS } });
  });
  afterAll(() => app.close());

  it('erases messages older than the limit everywhere (history, counts, files, sync) and keeps younger ones', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const old = `old news ${randomUUID()}`;
    await chatAs(app, alice).send(conversationId, bob, old).expect(200);
    const upload = await uploadWhole(app, alice, bob.user.id, voiceNote(), 'old.wav', 'audio/wav').expect(201);
    await chatAs(app, alice).add({ conversationId, ToReceiverId: bob.user.id, attachmentId: upload.body.data.id }).expect(200);
    const worker = app.get(PrivacyWorker);

    // Today nothing is old enough.
    expect(await worker.sweepRetention()).toBe(0);
    expect((await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200)).body.data.messages).toHaveLength(2);

    // Two days on, both are past the limit.
    expect(await worker.sweepRetention(new Date(Date.now() + 2 * DAY_MS))).toBe(2);
    expect((await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200)).body.data.messages).toEqual([]);
    const summary = (await chatAs(app, bob).list().expect(200)).body.data as { conversationId: string }[];
    expect(summary.find((c) => c.conversationId === conversationId)).toMatchObject({ messagesCount: 0, unreadMessagesCount: 0, deletedMessagesCount: 0 });
    const link = await app.http().get(`/Chat/Attachments/${upload.body.data.id}`).set(alice.auth);
    expect(link.status).toBe(404);
    for (const who of [alice, bob]) {
      const sync = await syncFromStart(app, who);
      expect(sync.raw.includes(old)).toBe(false);
      expect(sync.raw.includes('old.wav')).toBe(false);
    }

    // What is sent now is kept.
    const fresh = `fresh ${randomUUID()}`;
    await chatAs(app, alice).send(conversationId, bob, fresh).expect(200);
    expect(await worker.sweepRetention()).toBe(0);
    expect((await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200)).body.data.messages.map((m: HistoryMessage) => m.text)).toEqual([fresh]);
  });
});
