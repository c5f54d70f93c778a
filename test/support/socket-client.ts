import { io, Socket } from 'socket.io-client';
import type { ErrorAck } from '@app/common';
import { checkAck, checkServerEvent } from '@app/testing';
import type { ClientAck, ClientEvent, ClientPayload, ServerEvent, ServerPayload } from '../../apps/api/src/realtime/socket-events';
import type { TestApp } from './test-app';

/** The ack of a client event as a test reads it: the success ack's fields, or (status 'error') `error`. */
type SuccessAck<E extends ClientEvent> = Exclude<ClientAck<E>, ErrorAck>;
export type TestAck<E extends ClientEvent> = Omit<SuccessAck<E>, 'status'> & { status: SuccessAck<E>['status'] | 'error'; error?: ErrorAck['error'] };

const TIMEOUT_MS = 5000;

/** A real socket.io client connected to the test app (resolves once connected). */
export function connect(
  app: TestApp,
  token: string | undefined,
  options: { via?: 'auth' | 'header' | 'query'; origin?: string } = {},
): Promise<Socket> {
  const via = options.via ?? 'auth';
  const headers = {
    ...(token && via === 'header' ? { Authorization: `Bearer ${token}` } : {}),
    // What a browser page on that origin would send.
    ...(options.origin ? { Origin: options.origin } : {}),
  };
  const socket = io(app.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(token && via === 'auth' ? { auth: { token } } : {}),
    ...(Object.keys(headers).length ? { extraHeaders: headers } : {}),
    ...(token && via === 'query' ? { query: { token } } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/**
 * Emits and waits for the ack. With a protocol event and a well-formed payload, both are typed
 * from the protocol's event map (realtime/socket-events.ts); deliberately malformed payloads go
 * through the untyped form, with the ack type the test expects.
 */
export function emitAck<E extends ClientEvent>(socket: Socket, event: E, payload: ClientPayload<E>): Promise<TestAck<E>>;
export function emitAck<T = Record<string, unknown>>(socket: Socket, event: string, payload: unknown): Promise<T>;
export async function emitAck(socket: Socket, event: string, payload: unknown): Promise<unknown> {
  const ack: unknown = await socket.timeout(TIMEOUT_MS).emitWithAck(event, payload);
  checkAck(event, payload, ack);
  return ack;
}

export interface Collector<T> {
  received: T[];
  next(predicate?: (item: T) => boolean): Promise<T>;
}

/**
 * Collects every `event` the socket receives, from now on; `next(predicate)` waits (bounded) for
 * the first collected one that matches.
 */
export function collect<E extends ServerEvent>(socket: Socket, event: E): Collector<ServerPayload<E>>;
export function collect<T = Record<string, unknown>>(socket: Socket, event: string): Collector<T>;
export function collect<T>(socket: Socket, event: string): Collector<T> {
  const received: T[] = [];
  const waiters: { predicate: (item: T) => boolean; resolve: (item: T) => void }[] = [];
  socket.on(event, (item: T) => {
    checkServerEvent(event, item);
    received.push(item);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(item)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(item);
      }
    }
  });
  return {
    received,
    next(predicate: (item: T) => boolean = () => true): Promise<T> {
      const already = received.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching ${event} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
        waiters.push({
          predicate,
          resolve: (item) => {
            clearTimeout(timer);
            resolve(item);
          },
        });
      });
    },
  };
}

/** Waits until the socket is disconnected (bounded); resolves with the reason. */
export function disconnected(socket: Socket): Promise<string> {
  if (socket.disconnected) return Promise.resolve('already');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('still connected')), TIMEOUT_MS);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/**
 * The devices a test opens, each closed after its test: `device(who)` connects one more socket of
 * `who` to `app()` (read when it connects, so it may be set in beforeAll). Call in a describe block.
 */
export function devicesOn(app: () => TestApp): (who: { token: string }) => Promise<Socket> {
  const open: Socket[] = [];
  afterEach(() => open.splice(0).forEach((s) => s.close()));
  return async (who) => {
    const socket = await connect(app(), who.token);
    open.push(socket);
    return socket;
  };
}
