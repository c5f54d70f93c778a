import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { ObjectId } from 'mongodb';
import { io, Socket } from 'socket.io-client';
import { freshDatabaseUri } from '@app/testing';
import { connectTo, ServerProcess, sign, Store } from './support/fault-harness';
import { TEST_JWT_SECRET } from './support/test-app';

const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

/** A token issued at `iatSeconds` (whole seconds, as JWTs count). */
const signIssuedAt = (sub: string, iatSeconds: number) => new JwtService().sign({ sub, roles: [], iat: iatSeconds }, { secret: TEST_JWT_SECRET, expiresIn: '1h' });

/** Resolves with the reason once the socket is disconnected (no timers: the event decides). */
const disconnected = (socket: Socket) => new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

/** The connect_error a handshake with this token ends in (its data carries our error code). */
function refusedHandshake(url: string, token: string): Promise<{ message: string; code?: string }> {
  const socket = io(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('the handshake was accepted'));
    });
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      socket.close();
      resolve({ message: err.message, code: err.data?.code });
    });
  });
}

/** An admin revokes a user's sessions or suspends them on one process; both processes hold it at once. */
describe('Revocation and suspension across two processes', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let store: Store;
  const admin = sign(new ObjectId().toHexString(), ['admin']);
  const mongodbUri = freshDatabaseUri();

  beforeAll(async () => {
    store = await Store.connect(mongodbUri);
    const env = { MONGODB_URI: mongodbUri, REDIS_URL, REDIS_KEY_PREFIX: `revocation-${randomBytes(4).toString('hex')}` };
    [a, b] = await Promise.all([ServerProcess.create(env), ServerProcess.create(env)]);
    await Promise.all([a.start(), b.start()]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
  });

  const call = (server: ServerProcess, path: string, token: string, method = 'GET') =>
    fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });

  it('revoking drops the sockets on both processes and refuses older tokens there, newer ones work', async () => {
    const [{ sender: user, recipient: bystander }] = await store.pairs(1);
    const [onA, onB, otherOnB] = await Promise.all([connectTo(a.url, user), connectTo(b.url, user), connectTo(b.url, bystander)]);
    const drops = [disconnected(onA), disconnected(onB)];

    const res = await call(a, `/Admin/Users/${user}/RevokeSessions`, admin, 'POST');
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { userId: string; sessionsValidFrom: string } };
    expect(data.userId).toBe(user);
    await expect(Promise.all(drops)).resolves.toEqual(['io server disconnect', 'io server disconnect']);
    expect(otherOnB.connected).toBe(true); // only that user's sockets
    otherOnB.close();

    const old = sign(user);
    for (const server of [a, b]) {
      const refused = await call(server, '/Network/Members', old);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ success: false, message: expect.stringMatching(/revoked/), error: { code: 'UNAUTHENTICATED' } });
      await expect(refusedHandshake(server.url, old)).resolves.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    const fresh = signIssuedAt(user, Date.parse(data.sessionsValidFrom) / 1000);
    for (const server of [a, b]) expect((await call(server, '/Network/Members', fresh)).status).toBe(200);
    const again = io(b.url, { transports: ['websocket'], auth: { token: fresh }, forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      again.once('connect', () => resolve());
      again.once('connect_error', reject);
    });
    again.close();
  });

  it('suspending refuses every token (403 ACCOUNT_SUSPENDED) and drops sockets everywhere; restoring lets them in again', async () => {
    const [{ sender: user }] = await store.pairs(1);
    const socket = await connectTo(a.url, user);
    const dropped = disconnected(socket);
    expect((await call(b, `/Admin/Users/${user}/Suspend`, admin, 'POST')).status).toBe(200);
    await expect(dropped).resolves.toBe('io server disconnect');
    for (const server of [a, b]) {
      const refused = await call(server, '/Network/Members', sign(user));
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ success: false, error: { code: 'ACCOUNT_SUSPENDED' } });
      await expect(refusedHandshake(server.url, sign(user))).resolves.toMatchObject({ code: 'ACCOUNT_SUSPENDED' });
    }
    expect((await call(a, `/Admin/Users/${user}/Restore`, admin, 'POST')).status).toBe(200);
    for (const server of [a, b]) expect((await call(server, '/Network/Members', sign(user))).status).toBe(200);
    (await connectTo(b.url, user)).close();
  });

  it('refuses the operations to a user who is not an admin, and answers 404 for nobody', async () => {
    const [{ sender: user, recipient: other }] = await store.pairs(1);
    for (const path of ['RevokeSessions', 'Suspend', 'Restore']) {
      expect((await call(a, `/Admin/Users/${other}/${path}`, sign(user), 'POST')).status).toBe(403);
      const nobody = await call(a, `/Admin/Users/${new ObjectId().toHexString()}/${path}`, admin, 'POST');
      expect(nobody.status).toBe(404);
      expect(await nobody.json()).toMatchObject({ error: { code: 'MEMBER_NOT_FOUND' } });
      expect((await call(a, `/Admin/Users/not-an-id/${path}`, admin, 'POST')).status).toBe(400);
    }
    // Nothing changed for the user the refused calls named.
    expect((await call(b, '/Network/Members', sign(other))).status).toBe(200);
  });

  it('an erasure drops the sockets on both processes and refuses every token there', async () => {
    const [{ sender: user, recipient: bystander }] = await store.pairs(1);
    const [onA, onB, otherOnB] = await Promise.all([connectTo(a.url, user), connectTo(b.url, user), connectTo(b.url, bystander)]);
    const drops = [disconnected(onA), disconnected(onB)];

    const res = await fetch(`${a.url}/Admin/Users/${user}/Erasure`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ immediately: true }),
    });
    expect(res.status).toBe(202);
    await expect(Promise.all(drops)).resolves.toEqual(['io server disconnect', 'io server disconnect']);
    expect(otherOnB.connected).toBe(true);
    otherOnB.close();
    const token = sign(user);
    for (const server of [a, b]) {
      const refused = await call(server, '/Network/Members', token);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: { code: 'USER_NOT_FOUND' } });
      await expect(refusedHandshake(server.url, token)).resolves.toMatchObject({ code: 'USER_NOT_FOUND' });
    }
  });
});
