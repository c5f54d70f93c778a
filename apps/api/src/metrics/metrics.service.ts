import { Injectable, OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DatabaseCommands } from '@app/dal';

/** Latency buckets in seconds, from a fast ack on a warm cache to a database in trouble. */
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The figures an on-call engineer reads (docs/operations.md lists them with what each means).
 * One registry per application, so several apps in one test process do not share counters. Labels
 * are bounded sets (event names, route patterns, error codes), never ids, text or vault values.
 */
@Injectable()
export class Metrics implements OnModuleInit {
  readonly registry = new Registry();

  readonly socketsConnected = new Gauge({ name: 'chat_sockets_connected', help: 'Sockets connected to this process', registers: [this.registry] });
  readonly socketConnections = new Counter({
    name: 'chat_socket_connections_total', help: 'Socket handshakes by outcome (accepted, or the refusal code)', labelNames: ['outcome'], registers: [this.registry],
  });
  readonly socketEvents = new Counter({
    name: 'chat_socket_events_total', help: 'Socket events handled, by event and outcome (ok or the error code)', labelNames: ['event', 'outcome'], registers: [this.registry],
  });
  readonly socketAckSeconds = new Histogram({
    name: 'chat_socket_ack_seconds', help: 'From a socket event received to its ack, by event', labelNames: ['event'], buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly httpSeconds = new Histogram({
    name: 'chat_http_request_seconds', help: 'HTTP requests by method, route pattern and status', labelNames: ['method', 'route', 'status'], buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly syncPages = new Counter({ name: 'chat_sync_pages_total', help: 'Sync pages answered (socket and REST)', registers: [this.registry] });
  readonly syncPageChanges = new Histogram({
    name: 'chat_sync_page_changes', help: 'Changes in each sync page', buckets: [0, 1, 5, 10, 25, 50, 100, 200, 500], registers: [this.registry],
  });
  readonly pushAttempts = new Counter({
    name: 'chat_push_attempts_total', help: 'Push sends by outcome (sent, partial: some tokens refused for good, retry, error: the send itself failed, gave-up: out of attempts)', labelNames: ['outcome'], registers: [this.registry],
  });
  readonly pushFailures = new Counter({ name: 'chat_push_token_failures_total', help: 'Device tokens a push did not reach, by FCM error code', labelNames: ['code'], registers: [this.registry] });
  readonly pushBatchSize = new Histogram({
    name: 'chat_push_batch_size', help: 'Pushes per FCM call (firebase-admin sendEach: one HTTP/2 connection, up to 500)', buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500], registers: [this.registry],
  });
  readonly pushTokensPruned = new Counter({ name: 'chat_push_tokens_pruned_total', help: 'Device tokens deactivated because FCM said they are gone', registers: [this.registry] });
  /** Read at each scrape from the source the push module sets (a count of the outbox's pending entries). */
  outboxDepthSource?: () => Promise<number>;
  readonly pushOutboxDepth = new Gauge({
    name: 'chat_push_outbox_pending', help: 'Pushes pending in the outbox (due or waiting for a retry), read at scrape', registers: [this.registry],
    collect: async () => {
      if (this.outboxDepthSource) this.pushOutboxDepth.set(await this.outboxDepthSource().catch(() => Number.NaN));
    },
  });
  readonly pushOldestWaitSeconds = new Gauge({ name: 'chat_push_outbox_oldest_wait_seconds', help: 'How long the oldest due push had waited at the worker\'s last look', registers: [this.registry] });
  readonly dbCommandSeconds = new Histogram({
    name: 'chat_db_command_seconds', help: 'Database commands by name and outcome', labelNames: ['command', 'outcome'], buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'chat_rate_limited_total', help: 'Refusals for going over a rate limit, by surface (rest, socket, daily-invitation, daily-report)', labelNames: ['surface'], registers: [this.registry],
  });

  constructor(private readonly database: DatabaseCommands) {
    collectDefaultMetrics({ register: this.registry });
  }

  onModuleInit(): void {
    this.database.onCommand(({ command, durationMs, ok }) => this.dbCommandSeconds.observe({ command, outcome: ok ? 'ok' : 'error' }, durationMs / 1000));
  }

  /** Starts a timer for one socket event; the returned function records its ack. */
  socketEvent(event: string): (outcome: string) => void {
    const end = this.socketAckSeconds.startTimer({ event });
    return (outcome) => {
      end();
      this.socketEvents.inc({ event, outcome });
    };
  }
}
