import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@app/common';
import { Lifecycle } from '../health/lifecycle';
import { RealtimeNotifier } from '../realtime/realtime-notifier.service';
import { flushTraces } from './tracing';

/**
 * SIGTERM (and SIGINT), in phases, each logged (docs/operations.md):
 * 1. draining: readiness fails at once; everything is still served for SHUTDOWN_DRAIN_MS, so the
 *    load balancer stops sending new work before anything is refused;
 * 2. closing: new socket events are refused (SERVER_SHUTTING_DOWN: resend after reconnecting), the
 *    ones in flight finish and are acknowledged;
 * 3. sockets are closed at the transport, which clients treat as a lost connection: they reconnect
 *    (through the load balancer, to another process) and sync;
 * 4. the app closes: HTTP stops accepting, requests in flight finish, the database goes last;
 *    buffered trace spans are sent.
 * Whatever dependencies do, the process exits by SHUTDOWN_DEADLINE_MS after the signal (1 if the
 * deadline cut it short).
 */
export function installGracefulShutdown(app: NestFastifyApplication, config: AppConfig): void {
  const logger = new Logger('Shutdown');
  const { drainMs, deadlineMs } = config.shutdown ?? { drainMs: 0, deadlineMs: 25_000 };
  let started = false;
  const shutDown = async (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    const deadline = setTimeout(() => {
      logger.error(`deadline of ${deadlineMs} ms passed: exiting with work unfinished`);
      process.exit(1);
    }, deadlineMs);
    deadline.unref();
    const lifecycle = app.get(Lifecycle);
    lifecycle.startDraining();
    logger.log(`${signal}: draining, readiness fails; serving for ${drainMs} ms more (exit by ${deadlineMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, drainMs));
    logger.log(`closing: new socket events refused; waiting for ${lifecycle.socketEventsInFlight} in flight`);
    await lifecycle.close();
    const sockets = app.get(RealtimeNotifier).closeTransports();
    logger.log(`asked ${sockets} socket${sockets === 1 ? '' : 's'} to reconnect elsewhere; closing HTTP and the database`);
    await app.close();
    // The spans of the last requests (no-op when traces are off).
    await flushTraces();
    logger.log('stopped');
    clearTimeout(deadline);
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (s) => void shutDown(s));
}
