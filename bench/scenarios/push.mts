// Scenario 4, push fan-out: senders message recipients of whom 30% are offline, so each message to
// one of those is a push through firebase-admin to a local stand-in for FCM (30 ms a send, 1% 429);
// meanwhile the message loop of scenario 1 runs at a fixed rate. Per run:
// 1. the loop alone;
// 2. the loop with the fan-out's messages and nobody to push to (the offline recipients' push
//    targets emptied): what the messages cost;
// 3. the loop with the fan-out and its pushes: pushes/s, how long after its message's ack each push
//    was accepted, and the loop's p99 beside steps 1 and 2;
// 4. a backlog: BACKLOG pushes owed in the outbox, as a process that died while FCM was away leaves
//    them, drained by the server's worker while the fan-out and the loop go on: the pipeline's own
//    pushes/s, each owed push delivered once.
// Beside them, the stand-in's own ceiling: firebase-admin sending straight to it.
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { linkPairs, seedDeviceTokens, seedPairs, seedUsers, withDatabase, type Db, type Id } from '../seed.mts';
import { Generator, median, ROOT, startServer } from '../support.mts';
import { databasePids, databaseUri, fmt, type ScenarioContext, type Section } from './context.mts';
import { LoopLoad, type StepFigures } from './message-loop.mts';

const RECIPIENTS = Number(process.env.PUSH_RECIPIENTS ?? 1000);
const OFFLINE_SHARE = 0.3;
const SENDERS = Number(process.env.PUSH_SENDERS ?? 100);
const LOOP_PAIRS = Number(process.env.PUSH_LOOP_PAIRS ?? 100);
const SECONDS = Number(process.env.PUSH_SECONDS ?? 10);
const BACKLOG = Number(process.env.PUSH_BACKLOG ?? 10_000);
const LATENCY_MS = 30;
const THROTTLED_SHARE = 0.01;

function serviceAccountJson(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return JSON.stringify({
    type: 'service_account', project_id: 'bench', private_key_id: 'bench', client_email: 'push@bench.iam.gserviceaccount.com', client_id: '1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), token_uri: 'https://oauth2.googleapis.com/token',
  });
}

interface StandinStats {
  accepted: number;
  throttled: number;
  firstAt: number;
  lastAt: number;
  calls: number;
}

interface FanoutFigures {
  started: number;
  acked: number;
  errors: number;
  toOffline: number;
  offlineAcks: [string, number][];
}

interface Lag {
  count: number;
  missing: number;
  duplicated: number;
  p50: number;
  p99: number;
  max: number;
  /** The pushes never answered 429 (their first try was accepted). */
  firstTry: { count: number; p50: number; p99: number; max: number };
  /** The first and last acceptance among these pushes. */
  firstAt: number;
  lastAt: number;
}

/** The seeded push targets of the offline recipients (one android token each), emptied or put back. */
async function setTargets(db: Db, offline: Id[], present: boolean): Promise<void> {
  const targets = db.collection('push_targets');
  if (!present) {
    await targets.updateMany({ _id: { $in: offline } }, { $set: { t: {} } });
    return;
  }
  const tokens = await db.collection('device_tokens').find({ userId: { $in: offline } }).toArray();
  for (let i = 0; i < tokens.length; i += 500) {
    await targets.bulkWrite(
      tokens.slice(i, i + 500).map((d) => ({ updateOne: { filter: { _id: d.userId as Id }, update: { $set: { t: { [d._id.toHexString()]: { token: d.token, platform: d.platform } } } } } })),
    );
  }
}

/**
 * BACKLOG owed pushes to the offline recipients' tokens, each with a uniqueid of its own in the
 * seed's data payload, due now and unlocked: what a process that died while FCM was away leaves.
 */
async function seedBacklog(db: Db, offline: Id[], run: number): Promise<string[]> {
  const tokens = new Map((await db.collection('device_tokens').find({ userId: { $in: offline } }).toArray()).map((d) => [(d.userId as Id).toHexString(), d.token as string]));
  const now = new Date();
  const uniqueids: string[] = [];
  const docs = Array.from({ length: BACKLOG }, (_v, i) => {
    const recipient = offline[i % offline.length];
    const uniqueid = `backlog-${run}-${i}`;
    uniqueids.push(uniqueid);
    return {
      recipientId: recipient, kind: 'message', tokens: [tokens.get(recipient.toHexString())!], platforms: ['android'],
      content: { data: { type: 'message', payload: JSON.stringify({ uniqueid, text: 'owed' }) }, title: 'Bench', body: 'owed', collapseId: recipient.toHexString(), badge: 1 },
      status: 'pending', attempts: 0, nextAttemptAt: now, lockedUntil: now, lockOwner: null, provider: null, lastError: null, results: [], createdAt: now, updatedAt: now,
    };
  });
  for (let i = 0; i < docs.length; i += 1000) await db.collection('push_outbox').insertMany(docs.slice(i, i + 1000));
  return uniqueids;
}

export async function push(context: ScenarioContext): Promise<Section> {
  const uri = databaseUri(context, 'push');
  // Fan-out: SENDERS senders, each linked to every recipient; 30% of recipients never connect.
  const { senders, recipients } = await withDatabase(uri, async (db) => {
    const senders = await seedUsers(db, SENDERS, 'Fan-out sender');
    const recipients = await seedUsers(db, RECIPIENTS, 'Fan-out recipient');
    await linkPairs(db, senders.flatMap((s) => recipients.map((r) => [s, r] as [typeof s, typeof r])));
    await seedDeviceTokens(db, recipients);
    return { senders, recipients };
  });
  const offlineIds = recipients.slice(0, Math.round(RECIPIENTS * OFFLINE_SHARE));
  const offline = new Set(offlineIds.map((r) => r.toHexString()));
  const fanoutPairs = senders.flatMap((s) => recipients.map((r) => ({ from: s.toHexString(), to: r.toHexString() })));
  // Shuffled, so that each sender's messages reach online and offline recipients alike.
  for (let i = fanoutPairs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [fanoutPairs[i], fanoutPairs[j]] = [fanoutPairs[j], fanoutPairs[i]];
  }
  const loopPairs = await seedPairs(uri, LOOP_PAIRS);

  const standin = new Generator('fcm-standin');
  const { oauthPort, fcmPort } = await standin.send<{ oauthPort: number; fcmPort: number }>({ cmd: 'listen', latencyMs: LATENCY_MS, throttledShare: THROTTLED_SHARE });
  // The stand-in's own ceiling, with nothing else running: firebase-admin straight to it.
  const ceilingGenerator = new Generator('fcm-ceiling');
  const ceiling = await ceilingGenerator.send<{ pushesPerSecond: number; calls: number }>({ cmd: 'run', oauthPort, fcmPort, seconds: 5 });
  await ceilingGenerator.close();
  console.log(`  stand-in ceiling: ${JSON.stringify(ceiling)}`);

  const server = await startServer(
    uri,
    {
      SOCKET_EVENTS_PER_SECOND: '1000000', FIREBASE_SERVICE_ACCOUNT_JSON: serviceAccountJson(),
      FCM_STANDIN_OAUTH_PORT: String(oauthPort), FCM_STANDIN_FCM_PORT: String(fcmPort),
    },
    { nodeArgs: ['--require', join(ROOT, 'libs/testing/src/fcm-redirect.cjs')] },
  );
  const online = new Generator('connections');
  const fanout = new Generator('socket-loop');
  let loop: LoopLoad | undefined;
  const runs: RunFigures[] = [];
  const stats = () => standin.send<StandinStats>({ cmd: 'stats' });
  /** Waits (at most 5 minutes) until the stand-in has accepted the push of every one of these messages. */
  const allIn = async (acked: [string, number][]) => {
    const deadline = Date.now() + 300_000;
    let seen = await standin.send<Lag>({ cmd: 'lag', acked });
    while (seen.missing > 0 && Date.now() < deadline) {
      await sleep(100);
      seen = await standin.send<Lag>({ cmd: 'lag', acked });
    }
    return seen;
  };
  /** Pushes per second over the time from the first to the last acceptance among them. */
  const rate = (lag: Lag) => Math.round(lag.count / Math.max((lag.lastAt - lag.firstAt) / 1000, 0.001));
  try {
    const onlineUsers = recipients.map((r) => r.toHexString()).filter((r) => !offline.has(r));
    await online.send({ cmd: 'ramp', url: server.url, mode: 'chat', count: onlineUsers.length, perSecond: 500, users: onlineUsers });
    // One sender socket per sender: the fan-out generator connects senders only.
    await fanout.send({ cmd: 'connect', url: server.url, mode: 'chat', pairs: fanoutPairs, recipients: false });
    loop = await LoopLoad.connect(server.url, 'chat', loopPairs, 1);
    const pids = { server: server.process.pid!, ...databasePids(context) };
    const loopRate = Number(process.env.PUSH_LOOP_RATE ?? 10);
    const step = () => loop!.step(loopRate, SECONDS, pids);
    const withFanout = () => Promise.all([step(), fanout.send<FanoutFigures>({ cmd: 'fanout', seconds: SECONDS, offline: [...offline] })]);
    await loop.step(loopRate, 2, pids); // warm-up
    for (let run = 1; run <= context.runs; run++) {
      console.log(`push: run ${run}`);
      const alone = await step();

      await withDatabase(uri, (db) => setTargets(db, offlineIds, false));
      const beforeQuiet = await stats();
      const [withoutPushes, quiet] = await withFanout();
      const pushedWhileQuiet = (await stats()).accepted - beforeQuiet.accepted;
      await withDatabase(uri, (db) => setTargets(db, offlineIds, true));

      const before = await stats();
      const [withPushes, sent] = await withFanout();
      // Every push owed is in: the stand-in has accepted one per message to an offline recipient.
      const lag = await allIn(sent.offlineAcks);
      const after = await stats();

      const owedBacklog = (await withDatabase(uri, (db) => seedBacklog(db, offlineIds, run))).map((u) => [u, 0] as [string, number]);
      const beforeBacklog = await stats();
      const [duringBacklog, backlogLag] = await Promise.all([withFanout().then(([loopFigures]) => loopFigures), allIn(owedBacklog)]);
      const drained = await stats();
      // Everything the stand-in accepted while the backlog drained: the backlog and the fan-out's own pushes.
      const { accepted: acceptedWhileDraining } = await standin.send<{ accepted: number }>({ cmd: 'between', from: backlogLag.firstAt, to: backlogLag.lastAt });

      const figures: RunFigures = {
        messages: sent.acked,
        messagesPerSecond: Math.round(sent.acked / SECONDS),
        messagesWithoutPushes: quiet.acked,
        pushedWhileQuiet,
        owedPushes: sent.toOffline,
        deliveredPushes: lag.count,
        throttled: after.throttled - before.throttled,
        pushesPerSecond: rate(lag),
        pushLag: lag,
        backlog: { owed: BACKLOG, delivered: backlogLag.count, missing: backlogLag.missing, duplicated: backlogLag.duplicated, pushesPerSecond: rate(backlogLag), allPushesPerSecond: Math.round(acceptedWhileDraining / Math.max((backlogLag.lastAt - backlogLag.firstAt) / 1000, 0.001)), calls: drained.calls - beforeBacklog.calls },
        alone: pick(alone),
        withoutPushes: pick(withoutPushes),
        withPushes: pick(withPushes),
        duringBacklog: pick(duringBacklog),
        worseThanWithoutPushesPercent: worse(withPushes, withoutPushes),
        worseThanAlonePercent: worse(withPushes, alone),
      };
      console.log(`  ${JSON.stringify({ ...figures, pushLag: lag })}`);
      runs.push(figures);
    }
  } finally {
    await loop?.finish().catch(() => undefined);
    await fanout.close();
    await online.send({ cmd: 'close' }).catch(() => undefined);
    await online.close();
    await server.stop();
    await standin.close();
  }
  const med = (f: (r: RunFigures) => number) => median(runs.map(f));
  const summary = {
    ceilingPushesPerSecond: ceiling.pushesPerSecond,
    messagesPerSecond: med((r) => r.messagesPerSecond),
    pushesPerSecond: med((r) => r.pushesPerSecond),
    owed: runs.reduce((n, r) => n + r.owedPushes, 0),
    delivered: runs.reduce((n, r) => n + r.deliveredPushes, 0),
    throttled: runs.reduce((n, r) => n + r.throttled, 0),
    pushLagP50: med((r) => r.pushLag.p50),
    pushLagP99: med((r) => r.pushLag.p99),
    pushLagMax: Math.max(...runs.map((r) => r.pushLag.max)),
    firstTryLagP99: med((r) => r.pushLag.firstTry.p99),
    firstTryLagMax: Math.max(...runs.map((r) => r.pushLag.firstTry.max)),
    backlogPushesPerSecond: med((r) => r.backlog.pushesPerSecond),
    allWhileDrainingPushesPerSecond: med((r) => r.backlog.allPushesPerSecond),
    backlogOwed: runs.reduce((n, r) => n + r.backlog.owed, 0),
    backlogDelivered: runs.reduce((n, r) => n + r.backlog.delivered, 0),
    backlogDuplicated: runs.reduce((n, r) => n + r.backlog.duplicated, 0) + runs.reduce((n, r) => n + r.pushLag.duplicated, 0),
    aloneRoundTripP99: med((r) => r.alone.roundTripP99),
    withoutPushesRoundTripP99: med((r) => r.withoutPushes.roundTripP99),
    withPushesRoundTripP99: med((r) => r.withPushes.roundTripP99),
    duringBacklogRoundTripP99: med((r) => r.duringBacklog.roundTripP99),
    worseThanWithoutPushesPercent: med((r) => r.worseThanWithoutPushesPercent),
    worseThanAlonePercent: med((r) => r.worseThanAlonePercent),
  };
  const markdown =
    `${SENDERS} senders, each linked to ${fmt(RECIPIENTS)} recipients with one device token each; ${OFFLINE_SHARE * 100}% of the recipients have no socket, ` +
    `the rest are connected. The senders send \`im\` in a closed loop (one at a time each) for ${SECONDS} s; each message to an offline recipient is pushed ` +
    `through the real firebase-admin client to a local FCM stand-in (its own process; ${LATENCY_MS} ms per send, ${THROTTLED_SHARE * 100}% answered 429, ` +
    `which the outbox retries with backoff). Meanwhile the message loop of scenario 1 runs at a fixed ${process.env.PUSH_LOOP_RATE ?? 10} loops/s on ${LOOP_PAIRS} ` +
    `other pairs. Each run measures the loop alone; with the fan-out's messages and nobody to push to (the offline recipients' push targets emptied); with ` +
    `the fan-out and its pushes; and while the server's worker drains a backlog of ${fmt(BACKLOG)} owed pushes (seeded in the outbox as a process that died ` +
    `while FCM was away leaves them) with the fan-out still going. Pushes per second: the pushes the stand-in accepted over the time from its first to its ` +
    `last acceptance in the step. Push lag: from the message's \`sent\` ack to the stand-in's acceptance of its push. The stand-in's ceiling: firebase-admin ` +
    `sending straight to it (sendEach calls of 500, 4 in flight), nothing else running. Median of ${context.runs} runs.\n\n` +
    `| | pushes/s | owed / delivered | |\n| --- | ---: | ---: | --- |\n` +
    `| stand-in ceiling | ${fmt(summary.ceilingPushesPerSecond)} | | firebase-admin straight to the stand-in |\n` +
    `| fan-out (${fmt(summary.messagesPerSecond)} messages/s) | **${fmt(summary.pushesPerSecond)}** | ${summary.owed} / ${summary.delivered} (${summary.throttled} 429s retried) | push lag p50 ${summary.pushLagP50} ms, p99 ${summary.pushLagP99} ms, max ${summary.pushLagMax} ms; accepted at the first try: p99 **${summary.firstTryLagP99} ms**, max ${summary.firstTryLagMax} ms |\n` +
    `| backlog drain | **${fmt(summary.backlogPushesPerSecond)}** (with the fan-out's own meanwhile: ${fmt(summary.allWhileDrainingPushesPerSecond)}) | ${summary.backlogOwed} / ${summary.backlogDelivered} | pushes accepted twice (fan-out and backlog): ${summary.backlogDuplicated} |\n\n` +
    `| loop round-trip p99 ms | alone | fan-out, no pushes | fan-out with pushes | backlog draining |\n| --- | ---: | ---: | ---: | ---: |\n` +
    `| | ${summary.aloneRoundTripP99} | ${summary.withoutPushesRoundTripP99} | ${summary.withPushesRoundTripP99} | ${summary.duringBacklogRoundTripP99} |\n\n` +
    `With pushes against the same fan-out without them: **${summary.worseThanWithoutPushesPercent}%**; against the loop alone: ${summary.worseThanAlonePercent}%.\n`;
  return { title: '4. Push fan-out', date: new Date().toISOString(), markdown, figures: { recipients: RECIPIENTS, senders: SENDERS, backlog: BACKLOG, summary, runs } };
}

interface RunFigures {
  messages: number;
  messagesPerSecond: number;
  messagesWithoutPushes: number;
  pushedWhileQuiet: number;
  owedPushes: number;
  deliveredPushes: number;
  throttled: number;
  pushesPerSecond: number;
  pushLag: Lag;
  backlog: { owed: number; delivered: number; missing: number; duplicated: number; pushesPerSecond: number; allPushesPerSecond: number; calls: number };
  alone: ReturnType<typeof pick>;
  withoutPushes: ReturnType<typeof pick>;
  withPushes: ReturnType<typeof pick>;
  duringBacklog: ReturnType<typeof pick>;
  worseThanWithoutPushesPercent: number;
  worseThanAlonePercent: number;
}

const worse = (a: StepFigures, b: StepFigures) => Number(((a.roundTripP99 / b.roundTripP99 - 1) * 100).toFixed(0));

const pick = (s: StepFigures) => ({ rate: s.rate, ackP99: s.ackP99, roundTripP50: s.roundTripP50, roundTripP99: s.roundTripP99, late: s.late, cpu: s.cpu });
