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
import { Sema } from 'async-sema';
import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Socket } from 'socket.io';
import { TokenService } from '@app/auth';
import { AppConfig, AppError, createValidationPipe, ErrorAck, errorAck } from '@app/common';
import { PresenceService } from '../presence/presence.service';
import { sharedRateLimiter } from '../rate-limit/shared-rate-limiter';
import { SharedRedis } from '../redis/shared-redis';
import { ChatServer, RealtimeNotifier } from '../realtime/realtime-notifier.service';
import { AuthenticatedSocket, socketAuthMiddleware } from '../realtime/socket-auth';
import { SocketActivity } from '../realtime/socket-activity.service';
import { CLIENT_EVENTS, type ClientAck, type ClientEvent } from '../realtime/socket-events';
import { EditPayload, ImPayload, ReactPayload, StatusUpdatePayload, SyncPayload, TypingPayload } from './dto/ws/payloads';
import { MessageCommandsService } from './message-commands.service';
import { ReceiptsService } from './receipts.service';
import { SyncService } from './sync.service';
import { TypingService } from './typing.service';

type Dto = typeof ImPayload | typeof StatusUpdatePayload | typeof SyncPayload | typeof EditPayload | typeof ReactPayload | typeof TypingPayload;

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
  private readonly handshakes: Sema;

  constructor(
    config: AppConfig,
    private readonly tokens: TokenService,
    private readonly notifier: RealtimeNotifier,
    private readonly presence: PresenceService,
    private readonly commands: MessageCommandsService,
    private readonly receipts: ReceiptsService,
    private readonly syncs: SyncService,
    private readonly typingIndicators: TypingService,
    private readonly activity: SocketActivity,
    redis: SharedRedis,
  ) {
    // With Redis, the per-user budget is shared by all processes (a user may have sockets on several).
    this.rate = sharedRateLimiter(redis, 'socket-rate', config.socket.eventsPerSecond, 1);
    this.handshakes = new Sema(config.socket.handshakesInFlight);
  }

  afterInit(server: ChatServer): void {
    server.use(socketAuthMiddleware(this.tokens, this.activity, this.handshakes));
    this.notifier.attach(server);
  }

  async handleConnection(socket: AuthenticatedSocket): Promise<void> {
    // The user's room was joined at the handshake (socketAuthMiddleware).
    this.activity.connected(socket);
    // An event nobody handles is refused like any other (a client waiting for its ack is told at once).
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const ack = args.at(-1);
      if (!CLIENT_EVENTS.includes(event as ClientEvent) && typeof ack === 'function') {
        (ack as (answer: ErrorAck) => void)(errorAck(new AppError('UNKNOWN_EVENT', `No such event: ${String(event).slice(0, 64)} (client events: ${CLIENT_EVENTS.join(', ')})`)));
      }
    });
    await this.presence.connected(socket.data.user.userId, socket.id);
  }

  async handleDisconnect(socket: AuthenticatedSocket): Promise<void> {
    if (socket.data.user) await this.presence.disconnected(socket.data.user.userId, socket.id);
  }

  @SubscribeMessage('im')
  im(@ConnectedSocket() socket: AuthenticatedSocket, @MessageBody() body: unknown): Promise<ClientAck<'im'>> {
    return this.handle<'im', ImPayload>('im', socket, body, ImPayload, (payload) => this.commands.im(socket.data.user.userId, payload));
  }

  @SubscribeMessage('messageStatusUpdate')
  statusUpdate(@ConnectedSocket() socket: AuthenticatedSocket, @MessageBody() body: unknown): Promise<ClientAck<'messageStatusUpdate'>> {
    return this.handle<'messageStatusUpdate', StatusUpdatePayload>('messageStatusUpdate', socket, body, StatusUpdatePayload, (payload) =>
      this.receipts.statusUpdate(socket.data.user.userId, payload),
    );
  }

  @SubscribeMessage('edit')
  edit(@ConnectedSocket() socket: AuthenticatedSocket, @MessageBody() body: unknown): Promise<ClientAck<'edit'>> {
    return this.handle<'edit', EditPayload>('edit', socket, body, EditPayload, (payload) =>
      this.commands.edit(socket.data.user.userId, { messageId: payload.messageid, text: payload.text }),
    );
  }

  @SubscribeMessage('react')
  react(@ConnectedSocket() socket: AuthenticatedSocket, @MessageBody() body: unknown): Promise<ClientAck<'react'>> {
    return this.handle<'react', ReactPayload>('react', socket, body, ReactPayload, (payload) =>
      this.commands.react(socket.data.user.userId, { messageId: payload.messageid, emoji: payload.emoji }),
    );
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: AuthenticatedSocket, @MessageBody() body: unknown): Promise<ClientAck<'typing'>> {
    return this.handle<'typing', TypingPayload>('typing', socket, body, TypingPayload, (payload) => this.typingIndicators.typing(socket.data.user.userId, payload));
  }

  @SubscribeMessage('sync')
  sync(@ConnectedSocket() socket: AuthenticatedSocket, @MessageBody() body: unknown): Promise<ClientAck<'sync'>> {
    return this.handle<'sync', SyncPayload>('sync', socket, body, SyncPayload, (payload) => this.syncs.sync(socket.data.user.userId, payload));
  }

  private async handle<E extends ClientEvent, P>(event: E, socket: Socket, body: unknown, dto: Dto, work: (payload: P) => Promise<Exclude<ClientAck<E>, ErrorAck>>): Promise<ClientAck<E>> {
    const uniqueid = (body as { uniqueid?: unknown } | null)?.uniqueid;
    try {
      const { userId } = (socket as AuthenticatedSocket).data.user;
      await this.rate.consume(userId).catch((rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) {
          this.activity.rateLimited(userId, event);
          throw new AppError('RATE_LIMITED', 'Too many events: slow down');
        }
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
      return ack as ClientAck<E>;
    }
  }
}
