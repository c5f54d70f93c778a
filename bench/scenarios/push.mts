// Scenario 4, push fan-out: senders message recipients of whom 30% are offline, so each message to
// one of those is a push through firebase-admin to a local stand-in for FCM (30 ms a send, 1% 429);
// meanwhile the message loop of scenario 1 runs at a fixed rate, and its p99 is compared with the
// same loop without the fan-out.
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { linkPairs, seedDeviceTokens, seedPairs, seedUsers, withDatabase } from '../seed.mts';
import { Generator, median, ROOT, startServer } from '../support.mts';
import { databasePids, databaseUri, fmt, type ScenarioContext, type Section } from './context.mts';
import { LoopLoad, type StepFigures } from './message-loop.mts';

const RECIPIENTS = Number(process.env.PUSH_RECIPIENTS ?? 1000);
const OFFLINE_SHARE = 0.3;
const SENDERS = Number(process.env.PUSH_SENDERS ?? 100);
const LOOP_PAIRS = Number(process.env.PUSH_LOOP_PAIRS ?? 100);
const SECONDS = Number(process.env.PUSH_SECONDS ?? 10);
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
  const offline = new Set(recipients.slice(0, Math.round(RECIPIENTS * OFFLINE_SHARE)).map((r) => r.toHexString()));
  const fanoutPairs = senders.flatMap((s) => recipients.map((r) => ({ from: s.toHexString(), to: r.toHexString() })));
  // Shuffled, so that each sender's messages reach online and offline recipients alike.
  for (let i = fanoutPairs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [fanoutPairs[i], fanoutPairs[j]] = [fanoutPairs[j], fanoutPairs[i]];
  }
  const loopPairs = await seedPairs(uri, LOOP_PAIRS);

  const standin = new Generator('fcm-standin');
  const { oauthPort, fcmPort } = await standin.send<{ oauthPort: number; fcmPort: number }>({ cmd: 'listen', latencyMs: LATENCY_MS, throttledShare: THROTTLED_SHARE });
  const server = await startServer(
    uri,
    {
      SOCKET_EVENTS_PER_SECOND: '1000000', FIREBASE_SERVICE_ACCOUNT_JSON: serviceAccountJson(),
      FCM_STANDIN_OAUTH_PORT: String(oauthPort), FCM_STANDIN_FCM_PORT: String(fcmPort),
    },
    { nodeArgs: ['--require', join(ROOT, 'bench/fcm-redirect.cjs')] },
  );
  const online = new Generator('connections');
  const fanout = new Generator('socket-loop');
  let loop: LoopLoad | undefined;
  const runs: RunFigures[] = [];
  try {
    const onlineUsers = recipients.map((r) => r.toHexString()).filter((r) => !offline.has(r));
    await online.send({ cmd: 'ramp', url: server.url, mode: 'chat', count: onlineUsers.length, perSecond: 500, users: onlineUsers });
    // One sender socket per sender: the fan-out generator connects senders only.
    await fanout.send({ cmd: 'connect', url: server.url, mode: 'chat', pairs: fanoutPairs, recipients: false });
    loop = await LoopLoad.connect(server.url, 'chat', loopPairs, 1);
    const pids = { server: server.process.pid!, ...databasePids(context) };
    const loopRate = Number(process.env.PUSH_LOOP_RATE ?? 10);
    await loop.step(loopRate, 2, pids); // warm-up
    for (let run = 1; run <= context.runs; run++) {
      console.log(`push: run ${run}`);
      const baseline = await loop.step(loopRate, SECONDS, pids);
      const before = await standin.send<StandinStats>({ cmd: 'stats' });
      const [underFanout, sent] = await Promise.all([
        loop.step(loopRate, SECONDS, pids),
        fanout.send<{ started: number; acked: number; errors: number; toOffline: number }>({ cmd: 'fanout', seconds: SECONDS, offline: [...offline] }),
      ]);
      // Every push owed is in: the stand-in has accepted one per message to an offline recipient.
      const deadline = Date.now() + 300_000;
      let after = await standin.send<StandinStats>({ cmd: 'stats' });
      while (after.accepted - before.accepted < sent.toOffline && Date.now() < deadline) {
        await sleep(250);
        after = await standin.send<StandinStats>({ cmd: 'stats' });
      }
      const pushes = after.accepted - before.accepted;
      const windowS = (after.lastAt - Math.max(before.lastAt, after.firstAt)) / 1000;
      const figures = {
        messages: sent.acked,
        owedPushes: sent.toOffline,
        deliveredPushes: pushes,
        throttled: after.throttled - before.throttled,
        pushesPerSecond: Math.round(pushes / Math.max(windowS, 0.001)),
        baseline: pick(baseline),
        underFanout: pick(underFanout),
        roundTripP99WorsePercent: Number(((underFanout.roundTripP99 / baseline.roundTripP99 - 1) * 100).toFixed(0)),
      };
      console.log(`  ${JSON.stringify(figures)}`);
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
  const med = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
  const summary = {
    pushesPerSecond: med((r) => r.pushesPerSecond),
    owed: runs.reduce((n, r) => n + r.owedPushes, 0),
    delivered: runs.reduce((n, r) => n + r.deliveredPushes, 0),
    throttled: runs.reduce((n, r) => n + r.throttled, 0),
    baselineRoundTripP99: med((r) => r.baseline.roundTripP99),
    underFanoutRoundTripP99: med((r) => r.underFanout.roundTripP99),
    roundTripP99WorsePercent: med((r) => r.roundTripP99WorsePercent),
  };
  const markdown =
    `${SENDERS} senders, each linked to ${fmt(RECIPIENTS)} recipients with one device token each; ${OFFLINE_SHARE * 100}% of the recipients have no socket, ` +
    `the rest are connected. The senders send \`im\` in a closed loop (one at a time each) for ${SECONDS} s; each message to an offline recipient is pushed ` +
    `through the real firebase-admin client to a local FCM stand-in (its own process; ${LATENCY_MS} ms per send, ${THROTTLED_SHARE * 100}% answered 429, ` +
    `which the outbox retries with backoff). Pushes per second: the pushes the stand-in accepted, over the time from its first to its last acceptance in the run. ` +
    `Meanwhile the message loop of scenario 1 runs at a fixed ${process.env.PUSH_LOOP_RATE ?? 10} loops/s on ${LOOP_PAIRS} other pairs; its round-trip p99 ` +
    `is compared with the same loop just before, without the fan-out. Median of ${context.runs} runs.\n\n` +
    `| pushes/s | pushes owed / delivered (429s retried) | loop round-trip p99 without / with fan-out ms | worse by |\n| ---: | ---: | ---: | ---: |\n` +
    `| **${fmt(summary.pushesPerSecond)}** | ${summary.owed} / ${summary.delivered} (${summary.throttled}) | ${summary.baselineRoundTripP99} / ${summary.underFanoutRoundTripP99} | **${summary.roundTripP99WorsePercent}%** |\n`;
  return { title: '4. Push fan-out', date: new Date().toISOString(), markdown, figures: { recipients: RECIPIENTS, senders: SENDERS, summary, runs } };
}

interface RunFigures {
  messages: number;
  owedPushes: number;
  deliveredPushes: number;
  throttled: number;
  pushesPerSecond: number;
  baseline: ReturnType<typeof pick>;
  underFanout: ReturnType<typeof pick>;
  roundTripP99WorsePercent: number;
}

const pick = (s: StepFigures) => ({ rate: s.rate, ackP99: s.ackP99, roundTripP50: s.roundTripP50, roundTripP99: s.roundTripP99, late: s.late, cpu: s.cpu });
