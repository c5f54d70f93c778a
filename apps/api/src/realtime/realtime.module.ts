import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { RealtimeNotifier } from './realtime-notifier.service';
import { SocketActivity } from './socket-activity.service';

/** How services reach sockets (RealtimeNotifier); the gateway attaches the socket.io server. SocketActivity logs and counts sockets. */
@Module({ imports: [MetricsModule], providers: [RealtimeNotifier, SocketActivity], exports: [RealtimeNotifier, SocketActivity] })
export class RealtimeModule {}
