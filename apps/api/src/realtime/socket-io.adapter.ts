import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AppConfig, AppError, errorAck, tracer } from '@app/common';
import { Lifecycle } from '../health/lifecycle';
import { Metrics } from '../metrics/metrics.service';
import { watchRedis } from '../redis/redis-watch';
import { handshakeLinks } from './socket-auth';
import { SocketActivity } from './socket-activity.service';

/**
 * socket.io on the HTTP server, with our frame size bound (a larger frame closes the connection) and
 * the CORS_ORIGINS rule on the handshake.
 * With REDIS_URL, rooms are shared by every process through the socket.io Redis adapter, so an
 * event for a user reaches their sockets on any process.
 */
export class ConfiguredIoAdapter extends IoAdapter {
  private clients: Redis[] = [];
  private readonly log = new Logger('SocketEvents');

  constructor(
    private readonly app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  private get lifecycle(): Lifecycle {
    return (this.cachedLifecycle ??= this.app.get(Lifecycle));
  }

  private get metrics(): Metrics {
    return (this.cachedMetrics ??= this.app.get(Metrics));
  }

  private cachedLifecycle?: Lifecycle;
  private cachedMetrics?: Metrics;

  override createIOServer(port: number, options?: Partial<ServerOptions>) {
    const allowed = new Set(this.config.socket.corsOrigins);
    const server: Server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: this.config.socket.maxPayloadBytes,
      cors: { origin: [...allowed] },
      // A browser page always names its origin; one not in CORS_ORIGINS may not open a socket with
      // the user's token (apps and servers send no Origin). A page this server served (the demo
      // page) is on its own origin, which is not cross-origin at all.
      allowRequest: (request, callback) => {
        const { origin, host } = request.headers;
        const allow = origin === undefined || allowed.has(origin) || sameOrigin(origin, host);
        if (!allow) this.app.get(SocketActivity).refused('ORIGIN_NOT_ALLOWED', { origin });
        callback(null, allow);
      },
    } as ServerOptions);
    if (this.config.redis) {
      // A broadcast to other processes is not retried for long while Redis is away: the clients it
      // missed catch up with sync, and a backlog of stale broadcasts helps no one.
      const pub = new Redis(this.config.redis.url, { maxRetriesPerRequest: 1, commandTimeout: 1000 });
      // The subscriber's commands wait for the connection however long Redis is away (ioredis's
      // advice for subscribers): a SUBSCRIBE that gave up would be an unhandled rejection in the
      // adapter, which ended the process ~10 s after a start with Redis down.
      const sub = new Redis(this.config.redis.url, { maxRetriesPerRequest: null });
      watchRedis(pub, this.log, 'Redis (socket.io publisher)');
      watchRedis(sub, this.log, 'Redis (socket.io subscriber)');
      this.clients = [pub, sub];
      server.adapter(createAdapter(this.publishingSafely(pub), sub, { key: `${this.config.redis.keyPrefix}:socket.io` }));
    }
    return server;
  }

  /**
   * The adapter publishes without awaiting (@socket.io/redis-adapter 8.3), so a publish that fails
   * while Redis is away would be an unhandled rejection, which ends the process. Here it is logged:
   * the event still reached this process's sockets, and the others' clients catch up with sync.
   */
  private publishingSafely(pub: Redis): Redis {
    const publish = pub.publish.bind(pub) as (...args: unknown[]) => Promise<number>;
    return Object.assign(pub, {
      publish: (...args: unknown[]) =>
        publish(...args).catch((err: Error) => {
          this.log.warn(`broadcast to other processes failed: ${err.message}`);
          return 0;
        }),
    });
  }

  /**
   * One plain listener per event and socket. Nest's own binding builds an RxJS pipeline per event
   * and socket (fromEvent, mergeMap, takeUntil a shared disconnect stream), which an idle socket
   * pays for in memory (docs/benchmarks/README.md). Same behaviour: events run concurrently, the
   * handler's result (through Nest's pipes, guards and filters, which `callback` already wraps)
   * becomes the ack, or an emit when it names an event. Each event is timed to its ack (metrics)
   * and traced as a span linked to the socket's handshake.
   */
  override bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      const event = String(message);
      socket.on(event, (...args: unknown[]) => {
        const clientAck = typeof args[args.length - 1] === 'function' ? (args.pop() as (response: unknown) => void) : undefined;
        const data = args.length <= 1 ? args[0] : args;
        const recorded = this.metrics.socketEvent(event);
        const span = tracer.startSpan(`socket.io ${event}`, {
          kind: SpanKind.SERVER,
          attributes: { 'messaging.system': 'socket.io', 'messaging.operation.name': event, 'chat.user_id': (socket.data as { user?: { userId: string } }).user?.userId, 'chat.socket_id': socket.id },
          links: handshakeLinks(socket),
        });
        let settled = false;
        const finish = (outcome: string) => {
          if (settled) return;
          settled = true;
          recorded(outcome);
          if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
          span.end();
        };
        const ack = (response: unknown) => {
          const error = (response as { status?: string; error?: { code?: string } } | null)?.status === 'error' ? (response as { error?: { code?: string } }).error?.code : undefined;
          finish(error ?? 'ok');
          clientAck?.(response);
        };
        // Shutting down: the events in flight finish, a new one is refused (the client resends it
        // to the process it reconnects to; docs/operations.md).
        if (this.lifecycle.closing) {
          ack(errorAck(new AppError('SERVER_SHUTTING_DOWN'), (data as { uniqueid?: unknown } | undefined)?.uniqueid));
          return;
        }
        // Inside the event's span: the handler's database calls and emits become its children
        // (the subscription too, since the interceptors' observable starts the handler lazily).
        context.with(trace.setSpan(context.active(), span), () => {
          let result: Observable<unknown>;
          try {
            result = transform(callback(data, ack));
          } catch (err) {
            this.log.error(err);
            finish('INTERNAL');
            return;
          }
          this.lifecycle.eventStarted();
          result.subscribe({
            next: (response) => {
              if (response === undefined || response === null) return;
              const named = response as { event?: string; data?: unknown };
              if (named.event) socket.emit(named.event, named.data);
              else if (!isAckHandledManually) ack(response);
            },
            error: (err: unknown) => {
              this.log.error(err);
              finish('INTERNAL');
              this.lifecycle.eventFinished();
            },
            complete: () => {
              finish('ok');
              this.lifecycle.eventFinished();
            },
          });
        });
      });
    }
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.map((client) => client.quit().catch(() => undefined)));
  }
}

/** An Origin naming this server as the request reached it (its Host), over http or https. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const url = new URL(origin);
    return ['http:', 'https:'].includes(url.protocol) && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}
