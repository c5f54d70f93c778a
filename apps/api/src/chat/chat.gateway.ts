import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Server, Socket } from 'socket.io';
import { TokenService } from '@app/auth';
import { AppConfig, AppError, createValidationPipe, ErrorAck, errorAck } from '@app/common';
import { PresenceService } from '../presence/presence.service';
import { RealtimeNotifier } from '../realtime/realtime-notifier.service';
import { sharedRateLimiter } from '../realtime/rate-limiter';
import { SharedRedis } from '../realtime/redis';
import { AuthenticatedSocket, socketAuthMiddleware } from '../realtime/socket-auth';
import { ChatStanzaService, SentAck, StatusUpdatedAck } from './chat-stanza.service';
import { ImPayload, StatusUpdatePayload, SyncPayload } from './dto/ws/payloads';
import { SyncResult, SyncService } from './sync.service';

type Dto = typeof ImPayload | typeof StatusUpdatePayload | typeof SyncPayload;

/**
 * The seed's socket.io flow (chat-message-status-flow.txt, docs/protocol.md). Thin: it checks the
 * caller's rate and the payload, then hands over to the same services as REST. Every refusal is
 * an error ack.
 */
@WebSocketGateway()
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ChatGateway.name);
  private readonly validation = createValidationPipe();
  private readonly rate: RateLimiterAbstract;

  constructor(
    config: AppConfig,
    private readonly tokens: TokenService,
    private readonly notifier: RealtimeNotifier,
    private readonly presence: PresenceService,
    private readonly stanzas: ChatStanzaService,
    private readonly syncs: SyncService,
    redis: SharedRedis,
  ) {
    // With Redis, the per-user budget is shared by all processes (a user may have sockets on several).
    this.rate = sharedRateLimiter(redis, 'socket-rate', config.socket.eventsPerSecond, 1);
  }

  afterInit(server: Server): void {
    server.use(socketAuthMiddleware(this.tokens));
    this.notifier.attach(server);
  }

  async handleConnection(socket: AuthenticatedSocket): Promise<void> {
    // The user's room was joined at the handshake (socketAuthMiddleware).
    await this.presence.connected(socket.data.user.userId, socket.id);
  }

  async handleDisconnect(socket: AuthenticatedSocket): Promise<void> {
    if (socket.data.user) await this.presence.disconnected(socket.data.user.userId, socket.id);
  }

  @SubscribeMessage('im')
  im(@ConnectedSocket() socket: AuthenticatedSocket, @MessageBody() body: unknown): Promise<SentAck | ErrorAck> {
    return this.handle(socket, body, ImPayload, (payload: ImPayload) => this.stanzas.im(socket.data.user.userId, payload));
  }

  @SubscribeMessage('messageStatusUpdate')
  statusUpdate(@ConnectedSocket() socket: AuthenticatedSocket, @MessageBody() body: unknown): Promise<StatusUpdatedAck | ErrorAck> {
    return this.handle(socket, body, StatusUpdatePayload, (payload: StatusUpdatePayload) =>
      this.stanzas.statusUpdate(socket.data.user.userId, payload),
    );
  }

  @SubscribeMessage('sync')
  sync(@ConnectedSocket() socket: AuthenticatedSocket, @MessageBody() body: unknown): Promise<SyncResult | ErrorAck> {
    return this.handle(socket, body ?? {}, SyncPayload, (payload: SyncPayload) => this.syncs.sync(socket.data.user.userId, payload));
  }

  private async handle<P, R>(socket: Socket, body: unknown, dto: Dto, work: (payload: P) => Promise<R>): Promise<R | ErrorAck> {
    const uniqueid = (body as { uniqueid?: unknown } | null)?.uniqueid;
    try {
      await this.rate.consume((socket as AuthenticatedSocket).data.user.userId).catch((rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) throw new AppError('RATE_LIMITED', 'Too many events: slow down');
        throw rejection;
      });
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new AppError('VALIDATION_FAILED', 'Validation failed: the payload must be an object');
      }
      const payload = (await this.validation.transform(body, { type: 'body', metatype: dto })) as P;
      return await work(payload);
    } catch (err) {
      const ack = errorAck(err, uniqueid);
      if (ack.error.code === 'INTERNAL') this.logger.error({ err }, 'socket event failed');
      return ack;
    }
  }
}
