import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { MongoBulkWriteError, MongoClient, ObjectId } from 'mongodb';
import { EmbeddedDatabaseUnavailableError, ensureFerretDb, FERRETDB_BUILD, ferretDbBuildOf, FerretDbServer, locateFerretDb } from '@app/embedded-db';
import { eventually, testTempDir } from '@app/testing';

const binary = () => {
  const path = process.env.FERRETDB_TEST_BINARY;
  if (!path) throw new Error('FERRETDB_TEST_BINARY is not set (the jest global setup sets it)');
  return path;
};

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
  });
}

function ferretDbPids(dataDir: string): string[] {
  try {
    // The server itself, not the watchdog shell whose command line also names the folder.
    return execFileSync('pgrep', ['-f', `^\\S*ferretdb --handler=sqlite --sqlite-url=file:${dataDir}/`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('Embedded FerretDB', () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = testTempDir('ferretdb-embedded');
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('starts on a free loopback port, answers, and leaves no process once stopped', async () => {
    const server = new FerretDbServer({ binary: binary(), dataDir: freshDir() });
    await server.start();
    expect(await accepts(server.port)).toBe(true);
    expect(ferretDbPids(server.dataDir)).toHaveLength(1);
    await server.stop();
    // (Not "the port refuses connections": with tests running in parallel, another server may get
    // the freed port at once.)
    expect(ferretDbPids(server.dataDir)).toEqual([]);
  });

  it('runs two instances side by side (no shared debug port)', async () => {
    const a = new FerretDbServer({ binary: binary(), dataDir: freshDir() });
    const b = new FerretDbServer({ binary: binary(), dataDir: freshDir() });
    await Promise.all([a.start(), b.start()]);
    expect(a.port).not.toBe(b.port);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('dies with its owner, even when the owner is killed with SIGKILL', async () => {
    const dataDir = freshDir();
    const script = `
      const { FerretDbServer } = require(${JSON.stringify(join(__dirname, '../dist/libs/embedded-db/src/ferretdb-server.js'))});
      const server = new FerretDbServer({ binary: process.argv[1], dataDir: process.argv[2] });
      server.start().then(() => console.log('port=' + server.port));
      setInterval(() => {}, 1000);
    `;
    const owner = spawn(process.execPath, ['-e', script, binary(), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      owner.stdout.on('data', (chunk: Buffer) => {
        const match = /port=(\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
      owner.once('exit', (code) => reject(new Error(`owner exited early (${code})`)));
    });
    expect(await accepts(port)).toBe(true);

    owner.kill('SIGKILL');
    await eventually(async () => expect(ferretDbPids(dataDir)).toEqual([]), { timeoutMs: 10_000 });
  });

  it('finds an explicit binary, and refuses one that is not executable', () => {
    expect(locateFerretDb({ explicitBinary: binary(), toolsDir: '/nonexistent' })).toBe(binary());
    const notExecutable = join(freshDir(), 'ferretdb');
    writeFileSync(notExecutable, 'not a program', { mode: 0o644 });
    expect(() => locateFerretDb({ explicitBinary: notExecutable, toolsDir: '/nonexistent' })).toThrow(/FERRETDB_BIN/);
  });

  it('refuses a ferretdb that is not our build (FERRETDB_BIN), passes one on PATH over saying so, and our build says FERRETDB_BUILD', () => {
    expect(ferretDbBuildOf(binary())).toBe(FERRETDB_BUILD);
    // An upstream (unpatched) FerretDB says its plain version.
    const dir = freshDir();
    const upstream = join(dir, 'ferretdb');
    writeFileSync(upstream, '#!/bin/sh\necho "version: v1.24.2"\necho "commit: 0000000"\n', { mode: 0o755 });
    expect(() => locateFerretDb({ explicitBinary: upstream, toolsDir: '/nonexistent' })).toThrow(
      /FERRETDB_BIN: .*ferretdb is not this project's FerretDB build: it says version v1\.24\.2, and we need v1\.24\.2\+[\s\S]*Unset FERRETDB_BIN/,
    );
    const path = process.env.PATH;
    process.env.PATH = dir;
    try {
      const said: string[] = [];
      expect(locateFerretDb({ toolsDir: freshDir() }, (line) => said.push(line))).toBeUndefined();
      expect(said).toEqual([expect.stringMatching(/^not using the ferretdb on PATH: .* says version v1\.24\.2.*building ours/)]);
      // Our own build on PATH is used.
      process.env.PATH = dirname(binary());
      expect(locateFerretDb({ toolsDir: freshDir() })).toBe(binary());
    } finally {
      process.env.PATH = path;
    }
  });

  it('finds a document by _id through the _id index, not by scanning (the build carries FERRETDB_PATCHES)', async () => {
    const server = new FerretDbServer({ binary: binary(), dataDir: freshDir() });
    await server.start();
    const client = await MongoClient.connect(server.uri('plan'));
    try {
      await client.db().collection('things').insertMany([{ n: 1 }, { n: 2 }]);
      const plan = async (filter: object) =>
        JSON.stringify((await client.db().command({ explain: { find: 'things', filter } })).queryPlanner);
      // SQLite's own query plan, as FerretDB reports it.
      expect(await plan({ _id: new ObjectId() })).toMatch(/SEARCH things_\w+ USING INDEX things_\w+__id_/);
      expect(await plan({ n: 1 })).toMatch(/SCAN things_\w+/);
      // A conditional write's filter and an _id $in are narrowed to the index too (id-pushdown patch).
      expect(await plan({ _id: new ObjectId(), n: { $in: [1, 2] } })).toMatch(/SEARCH things_\w+ USING INDEX things_\w+__id_/);
      expect(await plan({ _id: { $in: [new ObjectId(), new ObjectId()] } })).toMatch(/SEARCH things_\w+ USING INDEX things_\w+__id_/);
      expect(await plan({ _id: { $in: [new ObjectId(), 7] } })).toMatch(/SCAN things_\w+/);
      // What the index narrows, the rest of the filter still decides.
      const [one] = await client.db().collection('things').find({ n: 1 }).toArray();
      const things = client.db().collection('things');
      expect(await things.countDocuments({ _id: one._id, n: 2 })).toBe(0);
      expect(await things.find({ _id: { $in: [one._id, new ObjectId()] } }).toArray()).toEqual([one]);
      expect(await things.findOneAndUpdate({ _id: one._id, n: 2 }, { $set: { n: 3 } })).toBeNull();
      expect(await things.findOne({ _id: one._id })).toEqual(one);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('answers equality, range, sort and limit from a typed index, and leaves to the handler what the index cannot answer (the typed-indexes patch)', async () => {
    const server = new FerretDbServer({ binary: binary(), dataDir: freshDir() });
    await server.start();
    const client = await MongoClient.connect(server.uri('plan'));
    try {
      const messages = client.db().collection('messages');
      await messages.createIndex({ c: 1, s: 1 });
      const [a, b] = [new ObjectId(), new ObjectId()];
      await messages.insertMany(Array.from({ length: 200 }, (_, i) => ({ c: i % 2 ? a : b, s: Math.floor(i / 2) + 1 })));
      // A history page's query, as MessageRepository asks it: SQLite reads 3 rows from the index, in order.
      const history = { c: a, s: { $lt: 50 } };
      const explained = (await client.db().command({ explain: { find: 'messages', filter: history, sort: { s: -1 }, limit: 3 } })) as {
        queryPlanner: object;
        filterPushdown: boolean;
        sortPushdown: boolean;
        limitPushdown: boolean;
      };
      expect(JSON.stringify(explained.queryPlanner)).toMatch(/SEARCH messages_\w+ USING INDEX messages_\w+_c_1_s_1/);
      expect(JSON.stringify(explained.queryPlanner)).not.toMatch(/TEMP B-TREE/);
      expect([explained.filterPushdown, explained.sortPushdown, explained.limitPushdown]).toEqual([true, true, true]);
      expect((await messages.find(history).sort({ s: -1 }).limit(3).toArray()).map((m) => m.s)).toEqual([49, 48, 47]);
      // A filter with more than the index holds is narrowed by it, and the handler decides the rest.
      expect(await messages.countDocuments({ c: a, s: { $gte: 10, $lte: 12 }, missing: null })).toBe(3);
      // Text among the positions: the same answers, with the sort and limit done by the handler.
      await messages.insertOne({ c: a, s: 'not a position' });
      expect((await messages.find(history).sort({ s: -1 }).limit(3).toArray()).map((m) => m.s)).toEqual([49, 48, 47]);
      // An array in the indexed field matches by its elements, as on MongoDB.
      await messages.insertOne({ c: [a], s: 7 });
      expect((await messages.find({ c: a, s: 7 }).toArray()).map((m) => m.s)).toEqual([7, 7]);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('finds a user by cell number from the unique index, and an array holding the number as MongoDB would (the typed-indexes patch)', async () => {
    const server = new FerretDbServer({ binary: binary(), dataDir: freshDir() });
    await server.start();
    const client = await MongoClient.connect(server.uri('unique'));
    try {
      const users = client.db().collection('users');
      await users.createIndex({ phone: 1 }, { unique: true });
      await users.insertMany(Array.from({ length: 100 }, (_, i) => ({ phone: `+1555${String(i).padStart(7, '0')}`, n: i })));
      const explained = (await client.db().command({ explain: { find: 'users', filter: { phone: '+15550000042' } } })) as { queryPlanner: object };
      expect(JSON.stringify(explained.queryPlanner)).toMatch(/SEARCH users_\w+ USING INDEX users_\w+_phone_1/);
      expect((await users.find({ phone: '+15550000042' }).toArray()).map((u) => u.n)).toEqual([42]);
      expect(await users.findOne({ phone: '+15559999999' })).toBeNull();
      // The same hex as an ObjectId is another value; an array holding the number matches it.
      const id = new ObjectId();
      await users.insertMany([{ phone: id, n: -1 }, { phone: ['+15550000200'], n: -2 }]);
      expect((await users.find({ phone: '+15550000200' }).toArray()).map((u) => u.n)).toEqual([-2]);
      expect((await users.find({ phone: '+15550000042' }).toArray()).map((u) => u.n)).toEqual([42]);
      expect((await users.find({ phone: id.toHexString() }).toArray()).map((u) => u.n)).toEqual([]);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('applies single-document writes atomically (the build carries the atomic-writes patches)', async () => {
    const server = new FerretDbServer({ binary: binary(), dataDir: freshDir() });
    await server.start();
    // Many connections, so the writes really arrive at once.
    const client = await MongoClient.connect(server.uri('atomic'), { maxPoolSize: 50 });
    try {
      const counters = client.db().collection<{ _id: string; n: number }>('counters');
      await counters.insertOne({ _id: 'c', n: 0 });
      await Promise.all(Array.from({ length: 200 }, () => counters.updateOne({ _id: 'c' }, { $inc: { n: 1 } })));
      expect((await counters.findOne({ _id: 'c' }))?.n).toBe(200);

      // 50 racing compare-and-sets from the same state: exactly one wins.
      const claims = client.db().collection<{ _id: string; owner: string | null }>('claims');
      await claims.insertOne({ _id: 'x', owner: null });
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => claims.findOneAndUpdate({ _id: 'x', owner: null }, { $set: { owner: `w${i}` } }, { returnDocument: 'before' })),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      const owner = (await claims.findOne({ _id: 'x' }))?.owner;
      expect(owner).toMatch(/^w\d+$/);

      // And with updateOne: 50 conditional updates, one modified.
      await claims.insertOne({ _id: 'y', owner: null });
      const updates = await Promise.all(Array.from({ length: 50 }, (_, i) => claims.updateOne({ _id: 'y', owner: null }, { $set: { owner: `u${i}` } })));
      expect(updates.reduce((sum, u) => sum + u.modifiedCount, 0)).toBe(1);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('runs an update command of many statements, and the database takes writes after it (the update-iterators patch)', async () => {
    const server = new FerretDbServer({ binary: binary(), dataDir: freshDir() });
    await server.start();
    const client = await MongoClient.connect(server.uri('statements'));
    try {
      const docs = client.db().collection<{ _id: number; n: number }>('docs');
      await docs.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: i, n: 0 })));
      // One `update` command of 300 statements: upstream kept a pooled connection per statement until the end and hung at about 100.
      const result = await docs.bulkWrite(Array.from({ length: 300 }, (_, i) => ({ updateOne: { filter: { _id: i }, update: { $set: { n: i + 1 } } } })));
      expect(result.modifiedCount).toBe(300);
      await docs.insertOne({ _id: 300, n: 301 });
      expect(await docs.countDocuments({ n: { $gte: 1 } })).toBe(301);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('writes the statements of an update command back together, each statement seeing those before it (the batched-updates patch)', async () => {
    const server = new FerretDbServer({ binary: binary(), dataDir: freshDir() });
    await server.start();
    const client = await MongoClient.connect(server.uri('batched'));
    try {
      const docs = client.db().collection<{ _id: string; n: number; tags?: string[] }>('docs');
      await docs.insertMany([
        { _id: 'a', n: 0 },
        { _id: 'b', n: 0 },
      ]);
      const result = await docs.bulkWrite(
        [
          { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 1 } } } },
          { updateOne: { filter: { _id: 'b' }, update: { $inc: { n: 10 } } } },
          // The same document again: it sees the first statement's write.
          { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 1 } } } },
          // A condition on what an earlier statement wrote.
          { updateOne: { filter: { _id: 'a', n: 2 }, update: { $push: { tags: 'seen two' } } } },
          // An upsert between held writes, and a filter that is not by _id.
          { updateOne: { filter: { _id: 'c' }, update: { $inc: { n: 5 } }, upsert: true } },
          { updateMany: { filter: { n: { $gte: 5 } }, update: { $inc: { n: 100 } } } },
        ],
        { ordered: true },
      );
      expect(result.upsertedCount).toBe(1);
      expect(await docs.find().sort({ _id: 1 }).toArray()).toEqual([
        { _id: 'a', n: 2, tags: ['seen two'] },
        { _id: 'b', n: 110 },
        { _id: 'c', n: 105 },
      ]);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('reports an upsert that hits an existing _id as its own statement\'s error, and honours ordered (the update-write-errors patch)', async () => {
    const server = new FerretDbServer({ binary: binary(), dataDir: freshDir() });
    await server.start();
    const client = await MongoClient.connect(server.uri('statement_errors'));
    try {
      const docs = client.db().collection<{ _id: string; n: number }>('docs');
      const conditionalUpserts = [
        { updateOne: { filter: { _id: 'a', n: 0 }, update: { $inc: { n: 1 } }, upsert: true } },
        // The condition does not hold: the upsert collides with 'b'.
        { updateOne: { filter: { _id: 'b', n: 99 }, update: { $inc: { n: 1 } }, upsert: true } },
        { updateOne: { filter: { _id: 'c', n: 0 }, update: { $inc: { n: 1 } }, upsert: true } },
        // No such document: inserted, and named by its statement's index.
        { updateOne: { filter: { _id: 'd' }, update: { $inc: { n: 1 } }, upsert: true } },
      ];
      const reset = async () => {
        await docs.deleteMany({});
        await docs.insertMany(['a', 'b', 'c'].map((_id) => ({ _id, n: 0 })));
      };

      await reset();
      const unordered = await docs.bulkWrite(conditionalUpserts, { ordered: false }).catch((err: MongoBulkWriteError) => err);
      expect(unordered).toBeInstanceOf(MongoBulkWriteError);
      const failedUnordered = unordered as MongoBulkWriteError;
      expect(failedUnordered.writeErrors).toEqual([expect.objectContaining({ index: 1, code: 11000 })]);
      expect(failedUnordered.result.upsertedIds).toEqual({ 3: 'd' });
      expect(await docs.find().sort({ _id: 1 }).toArray()).toEqual([
        { _id: 'a', n: 1 },
        { _id: 'b', n: 0 },
        { _id: 'c', n: 1 },
        { _id: 'd', n: 1 },
      ]);

      await reset();
      const ordered = (await docs.bulkWrite(conditionalUpserts, { ordered: true }).catch((err: MongoBulkWriteError) => err)) as MongoBulkWriteError;
      expect(ordered.writeErrors).toEqual([expect.objectContaining({ index: 1, code: 11000 })]);
      // An ordered command stops at its first failure.
      expect(await docs.find().sort({ _id: 1 }).toArray()).toEqual([
        { _id: 'a', n: 1 },
        { _id: 'b', n: 0 },
        { _id: 'c', n: 0 },
      ]);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('uses the project-local build only if it is the current FERRETDB_BUILD (an older one is rebuilt)', () => {
    const toolsDir = freshDir();
    mkdirSync(join(toolsDir, 'bin'));
    const local = join(toolsDir, 'bin', 'ferretdb');
    writeFileSync(local, '#!/bin/sh\n', { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(locateFerretDb({ toolsDir })).toBeUndefined();
      writeFileSync(join(toolsDir, 'bin', 'ferretdb.build'), 'v1.24.2\n');
      expect(locateFerretDb({ toolsDir })).toBeUndefined();
      writeFileSync(join(toolsDir, 'bin', 'ferretdb.build'), `${FERRETDB_BUILD}\n`);
      expect(locateFerretDb({ toolsDir })).toBe(local);
    } finally {
      process.env.PATH = path;
    }
  });

  it('with no MONGODB_URI, no ferretdb and no Go, names the three ways out', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const attempt = ensureFerretDb({ toolsDir: freshDir() });
      await expect(attempt).rejects.toBeInstanceOf(EmbeddedDatabaseUnavailableError);
      await expect(attempt).rejects.toThrow(/MONGODB_URI[\s\S]*FERRETDB_BIN[\s\S]*install Go/);
    } finally {
      process.env.PATH = path;
    }
  });
});
