import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDatabaseUri } from '@app/testing';
import { MongoClient } from 'mongodb';
import { io } from 'socket.io-client';
import { connectTo, sign } from './support/fault-harness';
import { LoggedServer } from './support/logged-server';
import { OtlpReceiver, ReceivedSpan } from './support/otlp-receiver';
import { seedPair } from './support/seed-pair';

/** One sample of a Prometheus text exposition: the metric with exactly these labels (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.keys(labels).length === Object.keys(found).length && Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return 0;
}

/** The sum of a metric's samples over every label set that includes these labels. */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

const ancestors = (spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] => {
  const chain: ReceivedSpan[] = [];
  for (let at = span.parentSpanId; at; ) {
    const parent = spans.find((s) => s.spanId === at);
    if (!parent) break;
    chain.push(parent);
    at = parent.parentSpanId;
  }
  return chain;
};

/**
 * What an operator sees of the built server (docs/operations.md): the Prometheus endpoint on its
 * own port, traces exported to an OTLP receiver, socket logs, unlogged probes.
 */
describe('Observability', () => {
  let receiver: OtlpReceiver;
  let server: LoggedServer;
  let client: MongoClient;
  let metricsUrl: string;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    const uri = freshDatabaseUri();
    client = await MongoClient.connect(uri);
    [alice, bob] = await seedPair(client);
    server = await LoggedServer.start({
      MONGODB_URI: uri,
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: 'chat-backend-test',
    });
    const announced = await server.logged(/metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/);
    metricsUrl = /(http:\/\/\S+\/metrics)/.exec(String(announced.json?.msg))![1];
    await server.logged(/listening on/);
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await client?.close();
    await receiver?.close();
  });

  const scrape = async () => {
    const response = await fetch(metricsUrl);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  it('serves metrics on their own port only, and the counters and histograms move with traffic', async () => {
    // Not on the API's port.
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    const before = await scrape();
    expect(sample(before, 'chat_sockets_connected')).toBe(0);
    expect(sample(before, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    const [aliceSocket, bobSocket] = [await connectTo(server.url, alice), await connectTo(server.url, bob)];
    try {
      const received = new Promise((resolve) => bobSocket.once('im', resolve));
      const uniqueid = randomUUID();
      expect(await aliceSocket.timeout(10_000).emitWithAck('im', { to: bob, from: alice, msg: 'counted', uniqueid })).toMatchObject({ status: 'sent' });
      await received;
      const receipt = await bobSocket.timeout(10_000).emitWithAck('messageStatusUpdate', { status: 'delivered', uniqueid, sender: alice });
      expect(receipt).toMatchObject({ status: 'statusUpdated', deliveryStatus: 'delivered' });
      expect(await bobSocket.timeout(10_000).emitWithAck('sync', {})).toMatchObject({ status: 'synced' });
      // A refusal: the ack says so and the counter keeps it by its code.
      expect(await bobSocket.timeout(10_000).emitWithAck('sync', { cursor: 'forged' })).toMatchObject({ status: 'error', error: { code: 'INVALID_CURSOR' } });
      expect((await fetch(`${server.url}/Chat/Conversations`, { headers: { authorization: `Bearer ${sign(alice)}` } })).status).toBe(200);
      // A handshake refused for its token.
      const refused = io(server.url, { transports: ['websocket'], auth: { token: 'not-a-token' }, forceNew: true, reconnection: false });
      await new Promise((resolve) => refused.once('connect_error', resolve));
      refused.close();

      const after = await scrape();
      expect(sample(after, 'chat_sockets_connected')).toBe(2);
      expect(sample(after, 'chat_socket_events_total', { event: 'im', outcome: 'ok' }) - sample(before, 'chat_socket_events_total', { event: 'im', outcome: 'ok' })).toBe(1);
      expect(sample(after, 'chat_socket_events_total', { event: 'sync', outcome: 'INVALID_CURSOR' })).toBe(1);
      expect(sample(after, 'chat_socket_ack_seconds_count', { event: 'im' })).toBe(1);
      expect(sample(after, 'chat_socket_ack_seconds_count', { event: 'messageStatusUpdate' })).toBe(1);
      expect(sample(after, 'chat_socket_ack_seconds_bucket', { event: 'im', le: '+Inf' })).toBe(1);
      expect(sample(after, 'chat_socket_ack_seconds_sum', { event: 'im' })).toBeGreaterThan(0);
      expect(sample(after, 'chat_socket_connections_total', { outcome: 'accepted' })).toBe(2);
      expect(sample(after, 'chat_socket_connections_total', { outcome: 'UNAUTHENTICATED' })).toBe(1);
      expect(sample(after, 'chat_sync_pages_total')).toBe(1);
      expect(sample(after, 'chat_sync_page_changes_sum')).toBeGreaterThanOrEqual(2);
      expect(sample(after, 'chat_http_request_seconds_count', { method: 'GET', route: '/Chat/Conversations', status: '200' })).toBe(1);
      expect(total(after, 'chat_db_command_seconds_count', { command: 'insert' })).toBeGreaterThan(total(before, 'chat_db_command_seconds_count', { command: 'insert' }));
      // Bob was online: no push was owed.
      expect(sample(after, 'chat_push_outbox_pending')).toBe(0);
    } finally {
      aliceSocket.close();
      bobSocket.close();
    }
    await server.logged((l) => l.json?.msg === 'socket disconnected' && l.json.userId === alice);
    expect(sample(await scrape(), 'chat_sockets_connected')).toBe(0);
  });

  it('has every metric the Grafana dashboard (deploy/grafana) asks for', async () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '..', 'deploy', 'grafana', 'dashboards', 'chat-backend.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const asked = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\b(?:chat|process|nodejs)_\w+/g) ?? [])));
    const exposed = new Set([...(await scrape()).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const missing = [...asked].filter((name) => !exposed.has(name.replace(/_(bucket|count|sum|total)$/, '')) && !exposed.has(name));
    expect(missing).toEqual([]);
    expect(asked.size).toBeGreaterThan(15);
  });

  it('starts with a console a person can read: a banner of full URLs, the route table only at debug', async () => {
    const banner = await server.logged(/listening on/);
    expect(banner.json).toMatchObject({ api: server.url, swaggerUi: `${server.url}/docs`, health: `${server.url}/health`, demoPage: `${server.url}/demo` });
    const startUp = server.lines.slice(0, server.lines.indexOf(banner) + 1).filter((l) => l.json?.level === 30);
    expect(startUp.filter((l) => /Mapped \{|dependencies initialized/.test(String(l.json!.msg)))).toEqual([]);
    expect(startUp.length).toBeLessThan(10);
    const root = await fetch(`${server.url}/`);
    expect(root.status).toBe(200);
    expect(await root.json()).toMatchObject({ success: true, data: { swaggerUi: '/docs', openapi: '/docs-json', health: '/health', demoPage: '/demo' } });
  });

  it('logs sockets with the user id and reason, never a token; probes are not logged', async () => {
    const connected = await server.logged((l) => l.json?.msg === 'socket connected' && l.json.userId === bob);
    expect(connected.json).toMatchObject({ context: 'Sockets', socketId: expect.any(String), transport: 'websocket' });
    const gone = await server.logged((l) => l.json?.msg === 'socket disconnected' && l.json.userId === bob);
    expect(gone.json).toMatchObject({ reason: 'client namespace disconnect' });
    const refused = await server.logged((l) => l.json?.msg === 'socket refused');
    expect(refused.json).toMatchObject({ code: 'UNAUTHENTICATED', level: 40 });
    // A browser page on an origin not in CORS_ORIGINS, with a valid token.
    const foreign = io(server.url, { transports: ['websocket'], auth: { token: sign(alice) }, extraHeaders: { origin: 'https://elsewhere.example' }, forceNew: true, reconnection: false });
    await new Promise((resolve) => foreign.once('connect_error', resolve));
    foreign.close();
    const corsRefusal = await server.logged((l) => l.json?.msg === 'socket refused' && l.json.code === 'ORIGIN_NOT_ALLOWED');
    expect(corsRefusal.json).toMatchObject({ origin: 'https://elsewhere.example', level: 40 });

    for (const probe of ['/health/live', '/health/ready', '/health']) expect((await fetch(`${server.url}${probe}`)).status).toBe(200);
    const marker = `/Chat/Conversations?probe=${randomUUID()}`;
    await fetch(`${server.url}${marker}`, { headers: { authorization: `Bearer ${sign(alice)}` } });
    await server.logged((l) => (l.json?.req as { url?: string } | undefined)?.url === marker);
    expect(server.lines.filter((l) => /"url":"\/health/.test(l.text))).toEqual([]);
    expect(server.lines.map((l) => l.text).join('\n')).not.toContain(sign(alice).split('.')[2]);
  });

  it('traces one im from the handshake through the database to the recipient, and puts the trace id in error envelopes and log lines', async () => {
    const [aliceSocket, bobSocket] = [await connectTo(server.url, alice), await connectTo(server.url, bob)];
    const uniqueid = randomUUID();
    try {
      const received = new Promise((resolve) => bobSocket.once('im', resolve));
      expect(await aliceSocket.timeout(10_000).emitWithAck('im', { to: bob, from: alice, msg: 'traced', uniqueid })).toMatchObject({ status: 'sent' });
      await received;
    } finally {
      aliceSocket.close();
      bobSocket.close();
    }
    // The event's span, its database commands and its delivery to Bob's sockets, in one trace.
    const isDatabase = (s: ReceivedSpan) => s.attributes['db.system'] === 'mongodb' || s.attributes['db.system.name'] === 'mongodb';
    const imSpan = (spans: ReceivedSpan[]) => spans.filter((s) => s.name === 'socket.io im' && s.attributes['chat.user_id'] === alice).at(-1);
    await receiver.until((spans) => {
      const im = imSpan(spans);
      return !!im && spans.some((s) => s.name === 'socket.io emit im' && s.traceId === im.traceId) && spans.some((s) => isDatabase(s) && s.traceId === im.traceId);
    });
    const spans = receiver.spans;
    const im = imSpan(spans)!;
    const inTrace = spans.filter((s) => s.traceId === im.traceId);
    const database = inTrace.filter(isDatabase);
    expect(database.map((s) => s.name)).toContain('insert messages');
    for (const command of database) expect(ancestors(spans, command)).toContainEqual(expect.objectContaining({ spanId: im.spanId }));
    const delivery = inTrace.find((s) => s.name === 'socket.io emit im')!;
    expect(ancestors(spans, delivery)).toContainEqual(expect.objectContaining({ spanId: im.spanId }));
    // No message text in any attribute.
    expect(JSON.stringify(inTrace)).not.toContain('traced');
    // The event links to its socket's handshake, itself a span with the user id.
    expect(im.links).toHaveLength(1);
    await receiver.until((all) => all.some((s) => s.spanId === im.links[0].spanId));
    expect(spans.find((s) => s.spanId === im.links[0].spanId)).toMatchObject({ name: 'socket.io handshake', attributes: { 'chat.user_id': alice } });

    // An error envelope carries the request's trace id, and so does its log line.
    const missing = await fetch(`${server.url}/Chat/Message/MarkRead/${'0'.repeat(24)}`, { method: 'POST', headers: { authorization: `Bearer ${sign(alice)}` } });
    const envelope = (await missing.json()) as { error: { code: string; requestId: string; traceId: string } };
    expect(envelope.error).toMatchObject({ code: 'MESSAGE_NOT_FOUND', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    await receiver.until((all) => all.some((s) => s.traceId === envelope.error.traceId));
    const logged = await server.logged((l) => (l.json?.req as { id?: string } | undefined)?.id === envelope.error.requestId);
    expect(logged.json).toMatchObject({ traceId: envelope.error.traceId });
  });
});
