import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { session, Session } from './support/session';
import { linkUsers } from '@app/testing';
import { connect, emitAck } from './support/socket-client';
import { startTestApp, TestApp } from './support/test-app';

const SENDERS = 20;
const PER_SENDER = 250;

/**
 * The sync cursor is a position in the user's own change sequence: a burst from many senders to an
 * offline user pages back exactly once each, in order, whatever the write rate, also across a
 * restart of the server; old cursors are refused clearly.
 */
describe('sync over the per-user change sequence', () => {
  let app: TestApp;
  const sockets: Socket[] = [];
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await app.close();
  });

  it(`pages ${SENDERS * PER_SENDER} messages from ${SENDERS} senders back exactly once each, in order, across a restart`, async () => {
    app = await startTestApp();
    const recipient = await session(app, { name: 'Offline' });
    const senders: Session[] = [];
    for (let i = 0; i < SENDERS; i++) {
      const sender = await session(app);
      await linkUsers(app, sender.user, recipient.user);
      senders.push(sender);
    }
    // Each sender sends as fast as its acks come back; all senders at once.
    const sent = new Map<string, string[]>();
    await Promise.all(
      senders.map(async (sender) => {
        const socket = await connect(app, sender.token);
        sockets.push(socket);
        const ids: string[] = [];
        sent.set(sender.user.id, ids);
        for (let n = 0; n < PER_SENDER; n++) {
          const uniqueid = randomUUID();
          const ack = await emitAck(socket, 'im', { to: recipient.user.id, from: sender.user.id, msg: `burst ${n}`, uniqueid });
          expect(ack.status).toBe('sent');
          ids.push(uniqueid);
        }
      }),
    );

    const received: { from: string; uniqueid: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    const readPages = async (client: TestApp, upTo: number) => {
      for (;;) {
        const res = await client.http().post('/Chat/Sync').set(recipient.auth).send(cursor ? { cursor } : {}).expect(200);
        const page = res.body.data as { cursor: string; hasMore: boolean; messages: { from: string; uniqueid: string }[] };
        received.push(...page.messages.map((m) => ({ from: m.from, uniqueid: m.uniqueid })));
        cursor = page.cursor;
        pages += 1;
        if (!page.hasMore || received.length >= upTo) return page.hasMore;
      }
    };
    expect(await readPages(app, (SENDERS * PER_SENDER) / 2)).toBe(true);

    // The server restarts (same database); the client goes on with the cursor it holds.
    const { mongodbUri } = app.config;
    await app.app.close();
    app = await startTestApp({ mongodbUri });
    expect(await readPages(app, Infinity)).toBe(false);

    expect(received).toHaveLength(SENDERS * PER_SENDER);
    expect(new Set(received.map((m) => m.uniqueid)).size).toBe(SENDERS * PER_SENDER);
    for (const [senderId, ids] of sent) expect(received.filter((m) => m.from === senderId).map((m) => m.uniqueid)).toEqual(ids);
    expect(pages).toBeGreaterThanOrEqual((SENDERS * PER_SENDER) / app.config.chat.syncPageSize);

    // Nothing more, and the chain is stable.
    const end = await app.http().post('/Chat/Sync').set(recipient.auth).send({ cursor }).expect(200);
    expect(end.body.data).toMatchObject({ hasMore: false, messages: [], cursor });
  }, 300_000);

  it('answers a cursor of the earlier time-based format, or one beyond the sequence, with INVALID_CURSOR', async () => {
    const someone = await session(app);
    const old = Buffer.from(JSON.stringify({ t: Date.now() - 60_000 })).toString('base64url');
    const beyond = Buffer.from(JSON.stringify({ v: 2, s: 999_999 })).toString('base64url');
    for (const cursor of [old, beyond]) {
      const res = await app.http().post('/Chat/Sync').set(someone.auth).send({ cursor });
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'INVALID_CURSOR' });
    }
  });
});
