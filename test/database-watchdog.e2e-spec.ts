import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { eventually, freshDatabaseUri } from '@app/testing';
import { chatAs } from './support/chat-client';
import { conversationFixture } from './support/session';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The fault test's one unexplained stall (issue 33), found: after a database restart the MongoDB
 * driver's server monitor can keep a heartbeat that never settles (its socket gone), and then runs
 * no further check, so the server stays Unknown with the database up. Reproduced by
 * restarting FerretDB under traffic on a loaded machine (the fault test, and a probe: stuck in the
 * first round). Here the monitor is put in exactly the state it was found in (a check in progress,
 * no timer), the link is cut and restored, and the watchdog has to bring the server back.
 */
describe('Database watchdog', () => {
  let proxy: TcpProxy;
  let app: TestApp;

  beforeAll(async () => {
    const uri = new URL(freshDatabaseUri());
    proxy = await TcpProxy.to('127.0.0.1', Number(uri.port));
    uri.port = String(proxy.port);
    app = await startTestApp({ mongodbUri: uri.toString(), mongodbServerSelectionTimeoutMs: 500, mongodbWatchdog: { intervalMs: 200, stuckAfterMs: 1500 } });
  });
  afterAll(async () => {
    await app.close();
    await proxy.close();
  });

  it('opens the connection anew when the driver stopped finding a database that is up', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    await chatAs(app, alice).send(conversationId, bob, 'before').expect(200);

    // The monitor as found wedged: a check "in progress" that never ends, no timer to run another.
    const topology = (app.app.get<Connection>(getConnectionToken()).getClient() as unknown as { topology: { s: { servers: Map<string, { monitor: { monitorId: { timerId?: NodeJS.Timeout; isExecutionInProgress: boolean } } }> } } }).topology;
    for (const server of topology.s.servers.values()) {
      clearTimeout(server.monitor.monitorId.timerId);
      server.monitor.monitorId.timerId = undefined;
      server.monitor.monitorId.isExecutionInProgress = true;
    }
    // The database goes away and comes back: the server is marked Unknown, and nothing checks it again.
    await proxy.cut('refuse');
    expect((await chatAs(app, alice).send(conversationId, bob, 'while down')).status).toBe(503);
    await proxy.restore();
    expect((await chatAs(app, alice).send(conversationId, bob, 'database back, driver not')).status).toBe(503);

    await eventually(async () => expect((await chatAs(app, alice).send(conversationId, bob, 'after')).status).toBe(200), { timeoutMs: 20_000, intervalMs: 250 });
    await eventually(async () => expect((await app.http().get('/health/ready')).status).toBe(200));
  });
});
