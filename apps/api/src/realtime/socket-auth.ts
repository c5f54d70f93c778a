import type { Sema } from 'async-sema';
import type { Socket } from 'socket.io';
import { AuthUser, bearerToken, TokenService } from '@app/auth';
import { userRoom } from './realtime-notifier.service';
import { Link, SpanContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { inSpan, toAppError } from '@app/common';
import type { SocketActivity } from './socket-activity.service';

export type AuthenticatedSocket = Socket & { data: { user: AuthUser } };

/** The token of a handshake: `auth.token` (socket.io v3+), else an Authorization header, else `?token=`. */
export function handshakeToken(socket: Socket): string | undefined {
  const { auth, headers, query } = socket.handshake;
  if (typeof auth?.token === 'string' && auth.token) return auth.token.replace(/^Bearer\s+/i, '');
  const header = bearerToken(headers.authorization);
  if (header) return header;
  return typeof query.token === 'string' && query.token ? query.token : undefined;
}

/**
 * socket.io middleware: verifies the token once per connection with the HTTP verifier, and joins
 * the user's room before the client is told it is connected, so nothing sent to the user right
 * after `connect` misses this socket. A refusal reaches the client as `connect_error` with
 * `data: { code }`. At most `inFlight`'s count of checks run at once (each reads the user's
 * standing): a reconnect storm waits here, not in the database pool ahead of everyone's sends.
 */
export function socketAuthMiddleware(tokens: TokenService, activity: SocketActivity, inFlight: Sema) {
  return (socket: Socket, next: (err?: Error) => void) => {
    void inSpan('socket.io handshake', { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'socket.io', 'chat.socket_id': socket.id } }, async (span) => {
      (socket.data as HandshakeData).handshake = span.spanContext();
      try {
        await inFlight.acquire();
        const user = await tokens.verifyUser(handshakeToken(socket)).finally(() => inFlight.release());
        span.setAttribute('chat.user_id', user.userId);
        socket.data.user = user;
        await socket.join(userRoom(user.userId));
        disconnectAtExpiry(socket, user.expiresAt);
        next();
      } catch (err) {
        const error = toAppError(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
        activity.refused(error.code, { socketId: socket.id });
        next(Object.assign(new Error(error.message), { data: { code: error.code } }));
      }
    });
  };
}

interface HandshakeData {
  handshake?: SpanContext;
}

/** Every event's span links to its socket's handshake span (a socket lives longer than one trace). */
export function handshakeLinks(socket: Socket): Link[] {
  const handshake = (socket.data as HandshakeData).handshake;
  return handshake && trace.isSpanContextValid(handshake) ? [{ context: handshake }] : [];
}

/** The longest a timer can wait; a token valid for longer is not cut off by us (25 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A token is checked once, at the handshake; so that a socket does not outlive its token, it is
 * disconnected when the token expires (the client reconnects with a fresh one and syncs).
 */
function disconnectAtExpiry(socket: Socket, expiresAt: number | undefined): void {
  if (expiresAt === undefined) return;
  const delay = Math.max(0, expiresAt - Date.now());
  if (delay > MAX_TIMER_MS) return;
  const timer = setTimeout(() => socket.disconnect(true), delay);
  timer.unref();
  socket.once('disconnect', () => clearTimeout(timer));
}
