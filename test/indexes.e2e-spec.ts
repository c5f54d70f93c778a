import { MongoClient } from 'mongodb';
import { freshDatabaseUri } from '@app/testing';
import { startTestApp } from './support/test-app';

/**
 * An index an earlier version created and no query uses any more costs every write: it goes when
 * the server starts (mongoose only ever creates indexes). One an operator added stays.
 */
describe('Indexes at start-up', () => {
  it("drops the retired mark-read index {conversationId, receiverId, deliveryStatus}, keeps an operator's own, and has the current ones", async () => {
    const uri = freshDatabaseUri();
    const client = await MongoClient.connect(uri);
    try {
      const messages = client.db().collection('messages');
      await messages.createIndex({ conversationId: 1, receiverId: 1, deliveryStatus: 1 });
      await messages.createIndex({ createdAt: -1 }, { name: 'operator_added' });
      const app = await startTestApp({ mongodbUri: uri });
      // (Read before close: the test app drops its database when it closes.)
      const keys = (await messages.indexes()).map((index) => JSON.stringify(index.key));
      await app.close();
      expect(keys).not.toContain(JSON.stringify({ conversationId: 1, receiverId: 1, deliveryStatus: 1 }));
      expect(keys).toEqual(expect.arrayContaining([JSON.stringify({ createdAt: -1 }), JSON.stringify({ conversationId: 1, receiverId: 1, seq: 1 }), JSON.stringify({ conversationId: 1, seq: 1 })]));
    } finally {
      await client.close();
    }
  });
});
