import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import sharp from 'sharp';
import { Upload } from 'tus-js-client';
import { PushOutboxRepository } from '@app/dal/push';
import type { AppConfig } from '@app/common';
import { eventually, SEAWEEDFS_TEST_CREDENTIALS } from '@app/testing';
import { chatAs } from './support/chat-client';
import { conversationFixture, Session } from './support/session';
import { collect, devicesOn, emitAck } from './support/socket-client';
import { TcpProxy } from './support/tcp-proxy';
import { voiceNote } from './support/media';
import { startTestApp, testAttachments, TEST_WEB_ORIGIN, TestApp, testConfig } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Storage = AppConfig['attachments']['storage'];

const MB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A PDF of `size` bytes (the header is what the type is sniffed from; the rest is noise). */
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(size - 15)]);

/** A photo straight from a phone: a JPEG whose EXIF says where it was taken. */
const photoWithGps = () =>
  sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Phone 12' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '1/1 17/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '103/1 51/1 0/1' } })
    .toBuffer();

/** A voice note: one second of 8 kHz mono PCM in WAV. */
const backends: [string, () => Storage][] = [
  ['the local file system', () => ({ kind: 'local', directory: '' })],
  [
    'S3 (SeaweedFS)',
    () => ({
      kind: 's3',
      bucket: `chat-${randomUUID().slice(0, 8)}`,
      endpoint: process.env.S3_TEST_ENDPOINT!,
      region: 'us-east-1',
      ...SEAWEEDFS_TEST_CREDENTIALS,
      forcePathStyle: true,
    }),
  ],
];

describe.each(backends)('attachments on %s', (_name, storageFor) => {
  let app: TestApp;

  const start = (overrides: Partial<AppConfig['attachments']> = {}) => {
    const config = testConfig();
    const wanted = storageFor();
    const storage: Storage = wanted.kind === 'local' ? { kind: 'local', directory: `${config.dataDir}/attachments` } : wanted;
    return startTestApp({ dataDir: config.dataDir, attachments: testAttachments(storage, overrides) });
  };

  beforeAll(async () => {
    app = await start();
  });
  afterAll(() => app.close());

  const device = devicesOn(() => app);
  const uploadWhole = (on: TestApp, who: Session, receiverId: string, bytes: Buffer, name: string, type: string) =>
    on.http().post('/Chat/Attachments').set(who.auth).field('receiverId', receiverId).attach('file', bytes, { filename: name, contentType: type });
  /**
   * Fetches a signed link (relative to the API) as a browser would, with no token, and reads the
   * whole body (a download left unread would hold the server's stream open, and its close with it).
   */
  const fetchLink = async (on: TestApp, link: string) => {
    const res = await fetch(new URL(link, on.url));
    const body = await res.arrayBuffer();
    return { status: res.status, headers: res.headers, redirected: res.redirected, arrayBuffer: async () => body, json: async () => JSON.parse(Buffer.from(body).toString('utf8')) as unknown };
  };
  /** Is any byte of the attachment still stored? */
  const stored = async (on: TestApp, id: string): Promise<boolean> => {
    const storage = on.config.attachments.storage;
    if (storage.kind === 'local') return existsSync(storage.directory) && readdirSync(storage.directory).some((f) => f.startsWith(id));
    const s3 = new S3Client({ endpoint: storage.endpoint, region: storage.region, forcePathStyle: true, credentials: SEAWEEDFS_TEST_CREDENTIALS });
    try {
      for (const key of [id, `${id}.display`, `${id}.thumb`]) {
        try {
          await s3.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: key }));
          return true;
        } catch (err) {
          if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw err;
        }
      }
      return false;
    } finally {
      s3.destroy();
    }
  };

  it('resumes a 20 MB upload cut off halfway, then delivers it in a message over socket, sync and REST', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const file = pdf(20 * MB);
    let attachmentId: string;
    const proxy = await TcpProxy.to('127.0.0.1', Number(new URL(app.url).port));
    try {
      proxy.dropOnceAfter(11 * MB);
      const done = await new Promise<Json>((resolve, reject) => {
        const upload = new Upload(file, {
          endpoint: `http://127.0.0.1:${proxy.port}/Chat/Attachments/Uploads`,
          headers: alice.auth,
          metadata: { receiverId: bob.user.id, filename: 'contract.pdf', filetype: 'application/pdf' },
          // 4 MB a PATCH, as mobile SDKs send: what the server stored survives the cut.
          chunkSize: 4 * MB,
          retryDelays: [0, 200, 500, 1000],
          onSuccess: ({ lastResponse }) => resolve(JSON.parse(lastResponse.getBody()) as Json),
          onError: reject,
        });
        upload.start();
      });
      // The link was cut once, and the upload went on from where it stopped: far less than the file twice.
      expect(proxy.drops).toBe(1);
      expect(proxy.bytesFromClients).toBeLessThan(file.length * 1.5);
      attachmentId = done.data.id as string;
      expect(done.data).toMatchObject({ state: 'ready', size: file.length, attachment: { type: 'file', mimeType: 'application/pdf', name: 'contract.pdf', size: file.length, thumbnailUrl: null } });
    } finally {
      await proxy.close();
    }

    const bobPhone = await device(bob);
    const incoming = collect(bobPhone, 'im');
    const alicePhone = await device(alice);
    const uniqueid = randomUUID();
    const stanza = { to: bob.user.id, from: alice.user.id, msg: 'the signed copy', uniqueid, attachmentId };
    const ack = await emitAck(alicePhone, 'im', stanza);
    expect(ack.status).toBe('sent');
    // A resend (the ack was lost) gets the original, and the attachment is still its own.
    expect(await emitAck(alicePhone, 'im', stanza)).toMatchObject({ status: 'sent', messageid: ack.messageid });
    const im = await incoming.next((s) => s.uniqueid === uniqueid);
    expect(im).toMatchObject({ msg: 'the signed copy', file_type: 'file', attachment: { id: attachmentId, type: 'file', mimeType: 'application/pdf', size: file.length } });
    const downloaded = Buffer.from(await (await fetchLink(app, im.attachment!.url)).arrayBuffer());
    expect(sha256(downloaded)).toBe(sha256(file));

    // An offline device catches up through sync, with links signed for it.
    const synced = await emitAck(await device(bob), 'sync', {});
    expect(synced.messages!.find((m) => m.uniqueid === uniqueid)).toMatchObject({ attachment: { id: attachmentId, type: 'file' } });

    const history = await app.http().get('/Chat/Conversation').query({ withUserId: alice.user.id }).set(bob.auth).expect(200);
    const shown = (history.body.data.messages as Json[]).find((m) => m.uniqueid === uniqueid)!;
    expect(shown).toMatchObject({ conversationId, file_type: 'file', attachment: { id: attachmentId, name: 'contract.pdf', size: file.length, mimeType: 'application/pdf' } });
    expect((await fetchLink(app, shown.attachment.url)).status).toBe(200);

    // One upload, one message: another message cannot take it.
    const again = await chatAs(app, alice).add({ conversationId, ToReceiverId: bob.user.id, text: 'again', attachmentId }).expect(409);
    expect(again.body.error.code).toBe('ATTACHMENT_IN_USE');
  });

  it('serves a photo without its GPS, with dimensions and a thumbnail, and pushes "Photo" without content', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const photo = await photoWithGps();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    await app.http().post('/Push/Tokens').set(bob.auth).send({ token: `tok-${randomUUID()}`, platform: 'android' }).expect(201);

    const uploaded = await uploadWhole(app, alice, bob.user.id, photo, 'IMG_0042.jpg', 'image/jpeg').expect(201);
    const attachment = uploaded.body.data.attachment as Json;
    expect(attachment).toMatchObject({ type: 'image', mimeType: 'image/jpeg', width: 1200, height: 800, name: 'IMG_0042.jpg' });

    const sent = await chatAs(app, alice).add({ conversationId, ToReceiverId: bob.user.id, attachmentId: attachment.id }).expect(200);
    const history = await app.http().get('/Chat/Conversation').query({ withUserId: alice.user.id }).set(bob.auth).expect(200);
    const shown = (history.body.data.messages as Json[]).find((m) => m.messageid === sent.body.data.messageId)!;
    expect(shown).toMatchObject({ text: '', file_type: 'image', attachment: { id: attachment.id, width: 1200, height: 800 } });

    const file = await fetchLink(app, shown.attachment.url);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    // Served by us on either store (S3 too: no redirect), so the same safety headers: never sniffed, never run as a page.
    expect(file.redirected).toBe(false);
    expect([file.headers.get('x-content-type-options'), file.headers.get('content-security-policy'), file.headers.get('content-disposition')]).toEqual([
      'nosniff',
      "default-src 'none'; sandbox",
      expect.stringMatching(/^inline; filename=/),
    ]);
    const served = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
    expect(served).toMatchObject({ format: 'jpeg', width: 1200, height: 800 });
    expect(served.exif).toBeUndefined();
    const thumbnail = await sharp(Buffer.from(await (await fetchLink(app, shown.attachment.thumbnailUrl)).arrayBuffer())).metadata();
    expect(thumbnail).toMatchObject({ format: 'webp', width: 320, height: 213 });
    expect(thumbnail.exif).toBeUndefined();

    const [push] = await eventually(async () => {
      const entries = await app.get(PushOutboxRepository).recent(5, bob.user.id);
      if (entries.length === 0) throw new Error('no push yet');
      return entries;
    });
    expect(push.content.body).toBe('Photo');
    expect(JSON.stringify(push.content)).not.toContain('/Chat/Attachments/');
  });

  it('gives a voice note its duration, and only the two members see an attachment', async () => {
    const { alice, bob, outsider, conversationId } = await conversationFixture(app);
    const uploaded = await uploadWhole(app, alice, bob.user.id, voiceNote(), 'voice.wav', 'audio/wav').expect(201);
    const id = uploaded.body.data.id as string;
    expect(uploaded.body.data.attachment).toMatchObject({ type: 'audio', mimeType: 'audio/wav', durationMs: 1000 });

    // Not sent yet: only its uploader knows it.
    for (const who of [bob, outsider]) expect((await app.http().get(`/Chat/Attachments/${id}`).set(who.auth).expect(404)).body.error.code).toBe('ATTACHMENT_NOT_FOUND');
    // Someone else's upload cannot be sent, resumed or cancelled by another.
    expect((await chatAs(app, bob).add({ conversationId, ToReceiverId: alice.user.id, attachmentId: id }).expect(404)).body.error.code).toBe('ATTACHMENT_NOT_FOUND');
    await app.http().head(`/Chat/Attachments/Uploads/${id}`).set(outsider.auth).set('Tus-Resumable', '1.0.0').expect(404);
    await app.http().delete(`/Chat/Attachments/Uploads/${id}`).set(outsider.auth).expect(404);

    await chatAs(app, alice).add({ conversationId, ToReceiverId: bob.user.id, text: 'listen', attachmentId: id }).expect(200);
    expect((await app.http().get(`/Chat/Attachments/${id}`).set(bob.auth).expect(200)).body.data.attachment).toMatchObject({ type: 'audio', durationMs: 1000 });
    expect((await app.http().get(`/Chat/Attachments/${id}`).set(outsider.auth).expect(404)).body.error.code).toBe('ATTACHMENT_NOT_FOUND');
    // An outsider cannot upload into a conversation they are not in.
    expect((await uploadWhole(app, outsider, alice.user.id, voiceNote(), 'x.wav', 'audio/wav').expect(404)).body.error.code).toBe('NOT_A_NETWORK_MEMBER');
  });

  it('stops serving a deleted message’s file and removes its bytes', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const uploaded = await uploadWhole(app, alice, bob.user.id, await photoWithGps(), 'beach.jpg', 'image/jpeg').expect(201);
    const id = uploaded.body.data.id as string;
    const sent = await chatAs(app, alice).add({ conversationId, ToReceiverId: bob.user.id, text: 'look', attachmentId: id }).expect(200);
    const { url, thumbnailUrl } = (await app.http().get(`/Chat/Attachments/${id}`).set(bob.auth).expect(200)).body.data.attachment as Json;
    expect((await fetchLink(app, url)).status).toBe(200);
    expect(await stored(app, id)).toBe(true);

    await chatAs(app, alice).delete({ conversationId, ToReceiverId: bob.user.id, messageid: sent.body.data.messageId }).expect(200);
    for (const link of [url, thumbnailUrl]) {
      const refused = await fetchLink(app, link);
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as Json).error.code).toBe('ATTACHMENT_NOT_FOUND');
    }
    expect(await stored(app, id)).toBe(false);
    const history = await app.http().get('/Chat/Conversation').query({ withUserId: alice.user.id }).set(bob.auth).expect(200);
    expect((history.body.data.messages as Json[]).find((m) => m.messageid === sent.body.data.messageId)).not.toHaveProperty('attachment');
  });

  it('refuses a file over the limit, a type not accepted, and bytes that contradict their declared type, storing nothing', async () => {
    const { alice, bob } = await conversationFixture(app);
    const since = new Date();
    const tooLarge = await app
      .http()
      .post('/Chat/Attachments/Uploads')
      .set(alice.auth)
      .set('Tus-Resumable', '1.0.0')
      .set('Upload-Length', String(app.config.attachments.maxBytes + 1))
      .set('Upload-Metadata', `receiverId ${Buffer.from(bob.user.id).toString('base64')},filename ${Buffer.from('big.pdf').toString('base64')}`)
      .expect(413);
    expect(tooLarge.body.error.code).toBe('ATTACHMENT_TOO_LARGE');

    const notAccepted = await uploadWhole(app, alice, bob.user.id, Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), 'setup.exe', 'application/x-msdownload').expect(415);
    expect(notAccepted.body.error.code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');

    const disguised = await uploadWhole(app, alice, bob.user.id, pdf(4096), 'cute-cat.png', 'image/png').expect(415);
    expect(disguised.body.error).toMatchObject({ code: 'ATTACHMENT_TYPE_MISMATCH' });
    expect(disguised.body.message).toMatch(/image\/png.*application\/pdf/);

    // The same refusal at the end of a tus upload.
    const refusal = await new Promise<Json>((resolve) => {
      new Upload(pdf(64 * 1024), {
        endpoint: `${app.url}/Chat/Attachments/Uploads`,
        headers: alice.auth,
        metadata: { receiverId: bob.user.id, filename: 'photo.jpg', filetype: 'image/jpeg' },
        onError: (err) => resolve(JSON.parse((err as { originalResponse?: { getBody(): string } }).originalResponse!.getBody()) as Json),
        onSuccess: () => resolve({ unexpected: 'accepted' }),
      }).start();
    });
    expect(refusal.error.code).toBe('ATTACHMENT_TYPE_MISMATCH');

    // Every refused upload was deleted with its bytes.
    const refused = await deletedSince(alice, since);
    expect(refused).toHaveLength(2);
    for (const { _id } of refused) expect(await stored(app, String(_id))).toBe(false);
  });

  it('answers tus OPTIONS per the tus core protocol, CORS preflights as before, and every tus refusal in our envelope', async () => {
    const { alice, bob } = await conversationFixture(app);
    // A plain OPTIONS (no Origin): the server's capabilities, no token needed.
    const capabilities = await app.http().options('/Chat/Attachments/Uploads').set('Tus-Resumable', '1.0.0').expect(204);
    expect(capabilities.headers).toMatchObject({ 'tus-resumable': '1.0.0', 'tus-version': '1.0.0', 'tus-max-size': String(app.config.attachments.maxBytes) });
    expect(capabilities.headers['tus-extension']).toMatch(/creation/);
    // A browser's preflight from a listed origin is granted; any other origin is not.
    const preflight = await app
      .http()
      .options('/Chat/Attachments/Uploads')
      .set('Origin', TEST_WEB_ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, tus-resumable, upload-length, upload-metadata')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(TEST_WEB_ORIGIN);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/upload-length/i);
    const foreign = await app.http().options('/Chat/Attachments/Uploads').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(foreign.headers['access-control-allow-origin']).not.toBe('https://evil.example');
    // Any other route's OPTIONS without Origin is no 400 text/plain either.
    const other = await app.http().options('/Chat/Conversations/List');
    expect(other.status).toBeLessThan(300);

    const created = await app
      .http()
      .post('/Chat/Attachments/Uploads')
      .set(alice.auth)
      .set('Tus-Resumable', '1.0.0')
      .set('Upload-Length', '4096')
      .set('Upload-Metadata', `receiverId ${Buffer.from(bob.user.id).toString('base64')},filename ${Buffer.from('a.pdf').toString('base64')}`)
      .expect(201);
    const upload = `/Chat/Attachments/Uploads/${created.headers.location.split('/').pop()}`;
    const patch = (offset: string, version = '1.0.0') =>
      app.http().patch(upload).set(alice.auth).set('Tus-Resumable', version).set('Upload-Offset', offset).set('Content-Type', 'application/offset+octet-stream').send(pdf(1024));
    const refusals: [Awaited<ReturnType<typeof patch>>, number, string][] = [
      [await patch('-1'), 400, 'VALIDATION_FAILED'],
      [await patch('512'), 409, 'UPLOAD_OFFSET_MISMATCH'],
      [await patch('0', '0.1'), 412, 'TUS_VERSION_UNSUPPORTED'],
      [await patch('0', ''), 412, 'TUS_VERSION_UNSUPPORTED'],
    ];
    for (const [res, status, code] of refusals) {
      expect([res.status, res.headers['content-type'], res.body.success, res.body.error?.code]).toEqual([status, expect.stringMatching(/^application\/json/), false, code]);
      expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
    }
    expect(refusals[0][0].body.error.details).toEqual([{ field: 'upload-offset', errors: [expect.any(String)] }]);
    expect(refusals[2][0].headers['tus-version']).toBe('1.0.0');
    // (A HEAD's refusal has the same status; HEAD answers carry no body.)
    await app.http().head(upload).set(alice.auth).expect(412);
    // None of them moved the upload.
    const head = await app.http().head(upload).set(alice.auth).set('Tus-Resumable', '1.0.0').expect(200);
    expect(head.headers['upload-offset']).toBe('0');
  });

  /** The deleted uploads of `who` since `since` (read by the sweeper's index: state, createdAt). */
  const deletedSince = async (who: Session, since: Date) =>
    (await app.app.get<Connection>(getConnectionToken()).collection('attachments').find({ state: 'deleted', createdAt: { $gte: since } }).toArray()).filter((a) =>
      (a.ownerId as Types.ObjectId).equals(who.user.id),
    );

  describe('with short-lived links and uploads', () => {
    let brief: TestApp;
    beforeAll(async () => {
      brief = await start({ urlTtlSeconds: 1, unsentTtlMs: 1000, sweepIntervalMs: 200 });
    });
    afterAll(() => brief.close());

    it('refuses a link once it has expired, and removes an upload never sent', async () => {
      const { alice, bob, conversationId } = await conversationFixture(brief);
      const kept = await uploadWhole(brief, alice, bob.user.id, pdf(2048), 'minutes.pdf', 'application/pdf').expect(201);
      await chatAs(brief, alice).add({ conversationId, ToReceiverId: bob.user.id, text: 'minutes', attachmentId: kept.body.data.id }).expect(200);
      const { url } = (await brief.http().get(`/Chat/Attachments/${kept.body.data.id}`).set(bob.auth).expect(200)).body.data.attachment as Json;
      // A link handed to a third party works (it is the credential) until it expires.
      expect((await fetchLink(brief, url)).status).toBe(200);
      const expired = await eventually(async () => {
        const response = await fetchLink(brief, url);
        if (response.status === 200) throw new Error('the link still works');
        return response;
      });
      expect(expired.status).toBe(403);
      expect(((await expired.json()) as Json).error.code).toBe('LINK_EXPIRED');
      // A tampered link never worked.
      expect((await fetchLink(brief, url.replace(/signature=[^&]+/, 'signature=AAAA'))).status).toBe(404);

      // Sent messages keep their files; an upload never sent is removed by the sweeper.
      const orphan = await uploadWhole(brief, alice, bob.user.id, pdf(2048), 'draft.pdf', 'application/pdf').expect(201);
      await eventually(async () => {
        const response = await brief.http().get(`/Chat/Attachments/${orphan.body.data.id}`).set(alice.auth);
        if (response.status !== 404) throw new Error('the unsent upload is still there');
        // The record goes first, then the bytes (a moment later, or at the next sweep).
        if (await stored(brief, orphan.body.data.id)) throw new Error('the unsent upload\'s bytes are still stored');
      });
      expect((await brief.http().get(`/Chat/Attachments/${kept.body.data.id}`).set(bob.auth).expect(200)).body.data.state).toBe('sent');
      expect(await stored(brief, kept.body.data.id)).toBe(true);
    });
  });
});
