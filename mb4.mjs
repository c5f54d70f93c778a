import { MongoClient, ObjectId } from 'mongodb';
import { FerretDbServer } from '/work/main/dist/libs/embedded-db/src/ferretdb-server.js';
import { mkdtempSync } from 'node:fs';
const dataDir = process.argv[2];
const extra = process.argv[3] ?? '';
// FerretDbServer builds the URL; pass extra pragmas through a wrapper binary
const server = new FerretDbServer({ binary: extra ? '/tmp/ferret-extra.sh' : '/work/main/.tools/bin/ferretdb', dataDir });
await server.start();
const client = await MongoClient.connect(server.uri('mb'), { maxPoolSize: 4 });
const c = client.db().collection('m');
const n = await c.estimatedDocumentCount();
if (n === 0) {
  const t = Date.now();
  for (let b = 0; b < 400; b++) await c.insertMany(Array.from({ length: 1000 }, (_, i) => ({ _id: new ObjectId(), conversationId: new ObjectId(), senderId: new ObjectId(), receiverId: new ObjectId(), uniqueId: 'u' + i, type: 'text', text: 'hello there '.repeat(5), deliveryStatus: 'sent', createdAt: new Date(), seq: b * 1000 + i })));
  console.log('seeded in', Date.now() - t);
}
const ids = (await c.find({}, { projection: { _id: 1 } }).limit(400000).toArray()).map((d) => d._id);
const pick = () => ids[Math.floor(Math.random() * ids.length)];
for (let r = 0; r < 2; r++) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < 50; i++) await Promise.all(Array.from({ length: 50 }, () => c.findOne({ _id: pick() })));
  console.log(extra || 'default', 'round', r, (Number(process.hrtime.bigint() - t) / 1e6 / 2500).toFixed(3), 'ms per read (50 at a time)');
}
await client.close(); await server.stop();
