// The FCM stand-in's own ceiling: the real firebase-admin client sending straight to it, the way the
// server's push pipeline does (sendEach calls of 500 messages, 4 calls in flight), with no server,
// database or outbox in between.
//   {cmd:'run', oauthPort, fcmPort, seconds}  -> pushes accepted per second, calls made
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, serveCommands } from '../support.mts';

const require = createRequire(import.meta.url);
const { redirectFirebase } = require(join(ROOT, 'libs/testing/src/fcm-redirect.cjs'));
const { cert, initializeApp } = require('firebase-admin/app');
const { getMessaging } = require('firebase-admin/messaging');

const BATCH = 500;
const IN_FLIGHT = 4;

serveCommands({
  async run({ oauthPort, fcmPort, seconds }: { oauthPort: number; fcmPort: number; seconds: number }) {
    redirectFirebase({ oauthOrigin: `http://127.0.0.1:${oauthPort}`, fcmOrigin: `http://127.0.0.1:${fcmPort}` });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const app = initializeApp({
      credential: cert({ projectId: 'bench', clientEmail: 'push@bench.iam.gserviceaccount.com', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }),
      projectId: 'bench',
    });
    const messaging = getMessaging(app);
    const batch = Array.from({ length: BATCH }, (_v, i) => ({ token: `ceiling-${i}`, data: { type: 'message', payload: '{}' }, notification: { title: 'Bench', body: 'benchmark message' } }));
    await messaging.sendEach(batch.slice(0, 1)); // token exchange and first connection, outside the timing
    const started = performance.now();
    const deadline = started + seconds * 1000;
    let accepted = 0;
    let calls = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (performance.now() < deadline) {
          const sent = await messaging.sendEach(batch);
          accepted += sent.successCount;
          calls++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return { pushesPerSecond: Math.round(accepted / elapsed), calls, batch: BATCH, inFlight: IN_FLIGHT };
  },
});
