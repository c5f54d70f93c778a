import { PassThrough } from 'node:stream';
import { conversationFixture } from './support/session';
import { startTestApp } from './support/test-app';

// A file of its own: nestjs-pino keeps its root logger in module state, so the first app of a test
// file decides where logs go; this one must be the first.
describe('DRFI and the logs', () => {
  it('writes no vault value to any log line during a full flow', async () => {
    const captured: string[] = [];
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => captured.push(chunk.toString()));
    const app = await startTestApp({ logLevel: 'trace', logStream });
    try {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const secret = { mobile: '6598765432', passport: 'K1234567Q', email: 'secret.person@example.com' };
      await app.http().put('/Vault').set(bob.auth).send({ fields: [{ path: '.contact.mobile', value: secret.mobile }] }).expect(200);
      await app.http().put('/Vault').set(bob.auth).send({ fields: [{ path: '.contact.email', value: 'not-an-email-' + secret.passport }] }).expect(400);
      const req = await app
        .http()
        .post('/Chat/Message/Add')
        .set(alice.auth)
        .send({ conversationId, ToReceiverId: bob.user.id, type: 'drfi', drfiPaths: ['.contact.mobile', '.identity.passportNumber'] })
        .expect(200);
      await app.http().get(`/Chat/Conversation?withUserId=${alice.user.id}`).set(bob.auth).expect(200);
      await app
        .http()
        .post('/Chat/Drfi/Accept')
        .set(bob.auth)
        .send({ messageId: req.body.data.messageId, fields: [{ source: 'newValue', path: '.identity.passportNumber', value: secret.passport }, { source: 'newValue', path: '.contact.email', value: secret.email }] })
        .expect(200);
      await app.http().get(`/Chat/Conversation?withUserId=${bob.user.id}`).set(alice.auth).expect(200);
      const log = captured.join('');
      expect(log).toContain('request completed');
      for (const value of Object.values(secret)) expect(log).not.toContain(value);
    } finally {
      await app.close();
    }
  });
});
