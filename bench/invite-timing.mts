// Whether the answer to an invitation tells a number that belongs to someone from one that belongs
// to no one by the time it takes (issue 33). One inviter adds, one request at a time, known numbers
// (users not in their network, invited once each) and unknown numbers, alternating, over real HTTP
// against the built server on its own database; prints both latency distributions.
//   scripts/run bench invite-timing       (INVITES=400 of each kind, the first 40 of each as warm-up)
import { seedUsers, withDatabase } from './seed.mts';
import { percentile, startDatabase, startServer, token } from './support.mts';

const INVITES = Number(process.env.INVITES ?? 400);
const WARM_UP = Math.round(INVITES / 10);

const database = await startDatabase();
try {
  const uri = `${database.baseUri}/bench_invites_${Date.now()}`;
  const [inviter, ...known] = await withDatabase(uri, async (db) => {
    const ids = await seedUsers(db, INVITES + 1, 'invitee');
    const phones = new Map((await db.collection('users').find({}).toArray()).map((u) => [u._id.toHexString(), u.phone as string]));
    return ids.map((id) => ({ id: id.toHexString(), phone: phones.get(id.toHexString())! }));
  });
  const server = await startServer(uri, { INVITATIONS_PER_DAY: String(10 * INVITES), REST_REQUESTS_PER_MINUTE: String(100 * INVITES) });
  try {
    const headers = { authorization: `Bearer ${token(inviter.id)}`, 'content-type': 'application/json' };
    const invite = async (phone: string): Promise<number> => {
      const startedAt = performance.now();
      const res = await fetch(`${server.url}/Network/Members`, { method: 'POST', headers, body: JSON.stringify({ phone }) });
      const elapsed = performance.now() - startedAt;
      const body = (await res.json()) as { data?: { status?: string } };
      if (res.status !== 202 || body.data?.status !== 'pending') throw new Error(`invite ${phone}: ${res.status} ${JSON.stringify(body)}`);
      return elapsed;
    };
    const times = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < INVITES; i++) {
      // Alternating which goes first, so neither kind always follows the other.
      const order = i % 2 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const);
      for (const kind of order) {
        const ms = await invite(kind === 'known' ? known[i].phone : `+1888${String(i).padStart(7, '0')}`);
        if (i >= WARM_UP) times[kind].push(ms);
      }
    }
    for (const kind of ['known', 'unknown'] as const) {
      const t = times[kind];
      console.log(`${kind.padEnd(7)} n=${t.length} p50 ${percentile(t, 50).toFixed(2)} ms  p90 ${percentile(t, 90).toFixed(2)} ms  p99 ${percentile(t, 99).toFixed(2)} ms`);
    }
    for (const p of [50, 90]) {
      const [k, u] = [percentile(times.known, p), percentile(times.unknown, p)];
      console.log(`p${p}: known / unknown = ${(k / u).toFixed(3)} (${(100 * Math.abs(k - u)) / Math.min(k, u) < 10 ? 'within' : 'NOT within'} 10%)`);
    }
  } finally {
    await server.stop();
  }
} finally {
  await database.stop();
}
