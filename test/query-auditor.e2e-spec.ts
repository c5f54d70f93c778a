import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The query auditor every e2e test app carries (test/support/test-app.ts): it sees the driver's
 * commands and flags any filter or sort that no declared index serves on MongoDB.
 */
describe('the query auditor', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('flags a deliberately unindexed query, and not an indexed one', async () => {
    const messages = app.get<Connection>(getConnectionToken()).collection('messages');
    await messages.find({ conversationId: 'c', createdAt: { $gt: new Date(0) } }).toArray();
    await messages.find({ _id: 'x' } as object).toArray();
    expect(app.auditor.unindexed).toEqual([]);

    await messages.find({ text: 'nobody indexes the text' }).toArray();
    await messages.find({}).sort({ deliveredAt: 1 }).toArray();
    expect(app.auditor.unindexed).toEqual([
      expect.objectContaining({ collection: 'messages', command: 'find', filter: { text: 'nobody indexes the text' } }),
      expect.objectContaining({ collection: 'messages', command: 'find', filter: {}, sort: { deliveredAt: 1 } }),
    ]);
    // Shown; not this app's own queries, so they do not fail its close().
    app.auditor.unindexed.splice(0);
  });
});
