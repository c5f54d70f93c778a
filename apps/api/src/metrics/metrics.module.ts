import { Module } from '@nestjs/common';
import { Metrics } from './metrics.service';

/**
 * Prometheus metrics: the instruments the domains record into (one registry per app). Their
 * listener, MetricsServer, belongs to the server's AppModule only, so a CLI never takes its port.
 */
@Module({
  providers: [Metrics],
  exports: [Metrics],
})
export class MetricsModule {}
