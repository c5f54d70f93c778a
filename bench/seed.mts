// Writes the benchmarks' users, network links, messages and device tokens straight into the
// database, in the shapes (and with the derived _ids) the server's repositories use.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './support.mts';

const require = createRequire(import.meta.url);
const { MongoClient, ObjectId } = require('mongodb');
const { derivedId, pairId } = require(join(ROOT, 'dist/libs/dal/src/shared/ids.js'));
const { MessageSchema } = require(join(ROOT, 'dist/libs/dal/src/messages/message.schema.js'));

export type Id = InstanceType<typeof ObjectId>;
export interface Db {
  collection(name: string): {
    insertMany(docs: object[], options?: object): Promise<unknown>;
    createIndex(keys: object, options: object): Promise<unknown>;
    updateMany(filter: object, update: object): Promise<unknown>;
    bulkWrite(operations: object[]): Promise<unknown>;
    find(filter: object): { toArray(): Promise<Record<string, any>[]> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
}

let phones = 0;

export async function withDatabase<T>(uri: string, work: (db: Db) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(uri);
  try {
    return await work(client.db());
  } finally {
    await client.close();
  }
}

/** `count` new users; returns their ids. */
export async function seedUsers(db: Db, count: number, label: string): Promise<Id[]> {
  const now = new Date();
  const ids: Id[] = Array.from({ length: count }, () => new ObjectId());
  for (let i = 0; i < count; i += 1000) {
    await db.collection('users').insertMany(
      ids.slice(i, i + 1000).map((_id, j) => ({
        _id, accountId: crypto.randomUUID(), name: `${label} ${i + j}`, phone: `+1777${String(phones++).padStart(7, '0')}`, avatar: null,
        createdAt: now, updatedAt: now,
      })),
    );
  }
  return ids;
}

const sortedPair = (a: Id, b: Id): [Id, Id] => (a.toHexString() < b.toHexString() ? [a, b] : [b, a]);

/** Network links (and so conversations on first message) between each pair. */
export async function linkPairs(db: Db, pairs: [Id, Id][]): Promise<void> {
  const now = new Date();
  const docs = pairs.map(([a, b]) => {
    const userIds = sortedPair(a, b);
    return { _id: new ObjectId(pairId(a.toHexString(), b.toHexString()).toHexString()), pairKey: userIds.map(String).join(':'), userIds, createdAt: now };
  });
  for (let i = 0; i < docs.length; i += 1000) await db.collection('network_links').insertMany(docs.slice(i, i + 1000));
  // And each owner's roster, as the server keeps it (the links in order).
  const rosters = new Map<string, Id[]>();
  for (const [a, b] of pairs) {
    for (const [owner, member] of [[a, b], [b, a]] as const) rosters.set(owner.toHexString(), [...(rosters.get(owner.toHexString()) ?? []), member]);
  }
  const rosterDocs = [...rosters].map(([owner, members]) => ({ _id: new ObjectId(owner), ids: members, complete: true }));
  for (let i = 0; i < rosterDocs.length; i += 1000) await db.collection('network_rosters').insertMany(rosterDocs.slice(i, i + 1000));
}

/** `count` linked sender/recipient pairs, as hex ids. */
export async function seedPairs(uri: string, count: number): Promise<{ from: string; to: string }[]> {
  return withDatabase(uri, async (db) => {
    const senders = await seedUsers(db, count, 'Sender');
    const recipients = await seedUsers(db, count, 'Recipient');
    const pairs = senders.map((s, i): [Id, Id] => [s, recipients[i]]);
    await linkPairs(db, pairs);
    return pairs.map(([from, to]) => ({ from: from.toHexString(), to: to.toHexString() }));
  });
}

/** One active Android token for each user. */
export async function seedDeviceTokens(db: Db, users: Id[]): Promise<void> {
  const now = new Date();
  const docs = users.map((userId, i) => {
    const token = `bench-token-${userId.toHexString()}-${i}`;
    return {
      _id: new ObjectId(derivedId(`device-token:${token}`).toHexString()), token, userId, platform: 'android', deviceId: null, active: true,
      deactivatedReason: null, createdAt: now, updatedAt: now,
    };
  });
  for (let i = 0; i < docs.length; i += 1000) await db.collection('device_tokens').insertMany(docs.slice(i, i + 1000));
  // What registering through the API leaves too: each user's roster of tokens, and whom a push reaches.
  const rosters = docs.map((d) => ({ _id: d.userId, ids: [d._id], complete: true }));
  const targets = docs.map((d) => ({ _id: d.userId, t: { [d._id.toHexString()]: { token: d.token, platform: d.platform } }, built: true }));
  for (let i = 0; i < docs.length; i += 1000) {
    await db.collection('push_device_rosters').insertMany(rosters.slice(i, i + 1000));
    await db.collection('push_targets').insertMany(targets.slice(i, i + 1000));
  }
}

/**
 * One user with `conversations` linked conversations holding `total` messages between them (the
 * first at least 100), with the counts the server keeps. Returns the user and one conversation partner (for a history page).
 */
export async function seedHistory(
  uri: string,
  conversations: number,
  total: number,
): Promise<{ me: string; historyWith: string; historyConversation: string; historySeq: number; others: string[]; feedHead: number }> {
  return withDatabase(uri, async (db) => {
    const now = Date.now();
    const [me, ...others] = await seedUsers(db, conversations + 1, 'Bench');
    await linkPairs(db, others.map((other): [Id, Id] => [me, other]));
    // The server's indexes first, as a server that has run all along would have them (building
    // them over a million documents at its start-up takes FerretDB minutes).
    for (const [keys, options] of MessageSchema.indexes()) await db.collection('messages').createIndex(keys, options);
    // The conversation a history page is read from holds at least 100 messages, so the page is a
    // full 50 at every size; the others share the rest evenly.
    const historySize = Math.max(Math.ceil(total / conversations), 100);
    const sizes = others.map((_, ci) => (ci === 0 ? historySize : Math.floor((total - historySize) / (conversations - 1)) + (ci - 1 < (total - historySize) % (conversations - 1) ? 1 : 0)));
    let batch: object[] = [];
    const summaries = [];
    // The user's own change sequence: one change per message they sent or received (what sync reads).
    let feedHead = 0;
    let feedBatch: object[] = [];
    const meHex = me.toHexString();
    for (const [ci, other] of others.entries()) {
      const perConversation = sizes[ci];
      const pair = sortedPair(me, other);
      const conversationId = new ObjectId(pairId(me.toHexString(), other.toHexString()).toHexString());
      const counts = { total: 0, deleted: 0, sentA: 0, sentB: 0, unreadA: 0, unreadB: 0 };
      for (let i = 0; i < perConversation; i++) {
        const [sender, receiver] = i % 2 === 0 ? [me, other] : [other, me];
        const seen = i < perConversation - 3;
        const deleted = i % 50 === 7;
        const created = new Date(now - (perConversation - i) * 1000);
        const uniqueId = `b-${ci}-${i}`;
        const _id = new ObjectId(derivedId(`message:${sender.toHexString()}:${uniqueId}`).toHexString());
        const seq = i + 1;
        batch.push({
          _id, seq, announcedRank: 2,
          conversationId, senderId: sender, receiverId: receiver, uniqueId, type: 'text', text: `message ${i} of conversation ${ci}`, fileType: null,
          deliveryStatus: seen ? 'seen' : 'sent', deliveredAt: null, seenAt: seen ? created : null, deletedAt: deleted ? created : null,
          createdAt: created, changedAt: created,
        });
        feedHead += 1;
        feedBatch.push({
          _id: new ObjectId(derivedId(`change:${meHex}:${feedHead}`).toHexString()), userId: me, seq: feedHead, kind: 'message', at: created,
          payload: {
            to: receiver.toHexString(), from: sender.toHexString(), fromFullName: 'Bench', fromPhone: '+10000000000', msg: `message ${i} of conversation ${ci}`,
            uniqueid: uniqueId, status: 'sent', type: 'text', file_type: null, messageid: _id.toHexString(), conversationId: conversationId.toHexString(),
            created: created.toISOString(), isDeleted: false,
          },
        });
        if (feedBatch.length === 1000) {
          await db.collection('user_changes').insertMany(feedBatch, { ordered: false });
          feedBatch = [];
        }
        const senderIsA = sender.equals(pair[0]);
        counts.total++;
        if (deleted) counts.deleted++;
        counts[senderIsA ? 'sentA' : 'sentB']++;
        if (!deleted && !seen) counts[senderIsA ? 'unreadA' : 'unreadB']++;
        if (batch.length === 1000) {
          await db.collection('messages').insertMany(batch, { ordered: false });
          batch = [];
        }
      }
      summaries.push({
        _id: conversationId, pairKey: pair.map(String).join(':'), userIds: pair, counts, pendingWrites: 0, writeEpoch: 0,
        messageSeq: perConversation, pagedFromStart: true, readFloor: null,
        lastWriteAt: null, lastMessageAt: new Date(now), createdAt: new Date(now), updatedAt: new Date(now),
      });
    }
    if (batch.length) await db.collection('messages').insertMany(batch, { ordered: false });
    if (feedBatch.length) await db.collection('user_changes').insertMany(feedBatch, { ordered: false });
    await db.collection('user_feeds').insertMany([{ _id: me, seq: feedHead, allocatedAt: new Date(now) }]);
    await db.collection('conversations').insertMany(summaries);
    const historyConversation = pairId(meHex, others[0].toHexString()).toHexString();
    return { me: meHex, historyWith: others[0].toHexString(), historyConversation, historySeq: sizes[0], others: others.map((o) => o.toHexString()), feedHead };
  });
}

/**
 * `count` more changes waiting in each user's change sequence (a message from a stranger, as sync
 * would return it), after whatever their sequences hold already.
 */
export async function seedFeeds(uri: string, users: string[], count: number): Promise<void> {
  await withDatabase(uri, async (db) => {
    const feeds = db.collection('user_feeds') as unknown as {
      findOneAndUpdate(filter: object, update: object, options: object): Promise<{ seq: number } | null>;
    };
    const now = new Date();
    for (const user of users) {
      const head = await feeds.findOneAndUpdate({ _id: new ObjectId(user) }, { $inc: { seq: count }, $set: { allocatedAt: now } }, { upsert: true, returnDocument: 'after' });
      const last = head!.seq;
      const docs = Array.from({ length: count }, (_, i) => {
        const seq = last - count + 1 + i;
        const messageid = new ObjectId().toHexString();
        return {
          _id: new ObjectId(derivedId(`change:${user}:${seq}`).toHexString()), userId: new ObjectId(user), seq, key: `m:${messageid}`, kind: 'message', at: now,
          // Stored as the server stores it: JSON text.
          payload: JSON.stringify({ to: user, from: new ObjectId().toHexString(), fromFullName: 'Bench', fromPhone: '+10000000000', msg: `waiting ${i}`, uniqueid: `w-${messageid}`,
            status: 'sent', type: 'text', file_type: null, messageid, conversationId: new ObjectId().toHexString(), created: now.toISOString(), isDeleted: false }),
        };
      });
      await db.collection('user_changes').insertMany(docs, { ordered: false });
    }
  });
}
