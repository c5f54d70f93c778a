import { Global, Module } from '@nestjs/common';
import { MetricsServer } from './metrics.server';
import { Metrics } from './metrics.service';

/** Prometheus metrics: the instruments every domain records into (global) and their own listener. */
@Global()
@Module({
  providers: [Metrics, MetricsServer],
  exports: [Metrics, MetricsServer],
})
export class MetricsModule {}
