import { randomUUID } from 'node:crypto';
import type { MongoClient } from 'mongodb';
import { pairId } from '@app/dal';

/** Two linked users written straight to the database (the server under test may not be up yet). */
export async function seedPair(client: MongoClient): Promise<[string, string]> {
  const person = (phone: string) => ({ accountId: randomUUID(), name: phone, phone, avatar: null, sessionsValidFrom: null, suspendedAt: null, createdAt: new Date(), updatedAt: new Date() });
  const inserted = (await client.db().collection('users').insertMany([person('+6590000011'), person('+6590000012')])).insertedIds;
  const [a, b] = [inserted[0], inserted[1]].sort((x, y) => x.toHexString().localeCompare(y.toHexString()));
  const [alice, bob] = [a.toHexString(), b.toHexString()];
  await client.db().collection('network_links').insertOne({ _id: pairId(alice, bob), pairKey: `${alice}:${bob}`, userIds: [a, b], createdAt: new Date() });
  return [alice, bob];
}
