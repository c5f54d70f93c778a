// The database's own ceiling: message-shaped documents written straight through the same driver,
// into a collection with the messages collection's own indexes (taken from its mongoose schema),
// with as many connections as the server's pool. No Nest, no socket.io, no validation.
//   {cmd:'run', uri, seconds, connections}  -> inserts/s, point updates by _id/s, point reads/s
//   {cmd:'queries', uri, queries, connections, seconds | amount}
//        -> requests/s and latency of a request made of these finds (filters in extended JSON), one after another
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { percentile, ROOT, serveCommands } from '../support.mts';

const require = createRequire(import.meta.url);
const { BSON: { EJSON }, MongoClient, ObjectId } = require('mongodb');
const { MessageSchema } = require(join(ROOT, 'dist/libs/dal/src/messages/message.schema.js'));

interface Collection {
  insertOne(doc: object): Promise<unknown>;
  updateOne(filter: object, update: object): Promise<unknown>;
  findOne(filter: object): Promise<unknown>;
  createIndex(keys: object, options: object): Promise<unknown>;
}

/**
 * Runs `operation` on `connections` workers for `seconds` (or `amount` operations in all);
 * operations per second and latencies (ms).
 */
async function saturate(seconds: number, connections: number, operation: (i: number) => Promise<unknown>, amount = Infinity) {
  const latencies: number[] = [];
  const startedAll = performance.now();
  const deadline = startedAll + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline && i < amount) {
        const startedAt = performance.now();
        await operation(i++);
        latencies.push(performance.now() - startedAt);
      }
    }),
  );
  const elapsed = (performance.now() - startedAll) / 1000;
  return { perSecond: Math.round((10 * latencies.length) / elapsed) / 10, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

interface Query {
  collection: string;
  filter: string;
  sort?: Record<string, 1 | -1>;
  limit?: number;
}

serveCommands({
  async queries({ uri, queries, connections, seconds, amount }: { uri: string; queries: Query[]; connections: number; seconds?: number; amount?: number }) {
    const client = await MongoClient.connect(uri, { maxPoolSize: connections });
    try {
      const request = async () => {
        for (const q of queries) {
          const cursor = client.db().collection(q.collection).find(EJSON.parse(q.filter, { relaxed: false }));
          if (q.sort) cursor.sort(q.sort);
          if (q.limit) cursor.limit(q.limit);
          await cursor.toArray();
        }
      };
      if (!amount) await request(); // warm-up (not for a query slow enough to be counted one at a time)
      return await saturate(seconds ?? Infinity, connections, request, amount);
    } finally {
      await client.close();
    }
  },

  async run({ uri, seconds, connections }: { uri: string; seconds: number; connections: number }) {
    const client = await MongoClient.connect(uri, { maxPoolSize: connections });
    try {
      const messages: Collection = client.db().collection('ceiling_messages');
      for (const [keys, options] of MessageSchema.indexes()) await messages.createIndex(keys, options);
      const conversationId = new ObjectId();
      const senderId = new ObjectId();
      const receiverId = new ObjectId();
      const ids: unknown[] = [];
      const inserts = await saturate(seconds, connections, (i) => {
        const now = new Date();
        const _id = new ObjectId();
        ids.push(_id);
        return messages.insertOne({
          _id, conversationId, senderId, receiverId, uniqueId: `ceiling-${i}`, type: 'text', text: 'benchmark message', fileType: null,
          deliveryStatus: 'sent', deliveredAt: null, seenAt: null, deletedAt: null, createdAt: now, changedAt: now,
        });
      });
      const updates = await saturate(seconds, connections, (i) =>
        messages.updateOne({ _id: ids[i % ids.length] }, { $set: { deliveryStatus: 'delivered', deliveredAt: new Date(), changedAt: new Date() } }),
      );
      const reads = await saturate(seconds, connections, (i) => messages.findOne({ _id: ids[i % ids.length] }));
      return { inserts, updates, reads };
    } finally {
      await client.close();
    }
  },
});
