import { Module } from '@nestjs/common';
import { RealtimeNotifier } from './realtime-notifier.service';

/** How services reach sockets (RealtimeNotifier); the gateway attaches the socket.io server. */
@Module({ providers: [RealtimeNotifier], exports: [RealtimeNotifier] })
export class RealtimeModule {}
