import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { PushDalModule } from '@app/dal/push';
import { PresenceModule } from '../presence/presence.module';
import { DeviceTokensService } from './device-tokens.service';
import { AdminPushController, PushTokensController } from './push.controller';
import { PushPipeline } from './push-pipeline';
import { PushService } from './push.service';
import { PushWorker } from './push.worker';
import { FcmPushProvider } from './providers/fcm-push.provider';
import { PUSH_PROVIDER } from './providers/push-provider';
import { RecordingPushProvider } from './providers/recording-push.provider';
import { MetricsModule } from '../metrics/metrics.module';

@Module({
  imports: [PresenceModule, PushDalModule, MetricsModule],
  controllers: [PushTokensController, AdminPushController],
  providers: [
    {
      provide: PUSH_PROVIDER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const { serviceAccountJson, useApplicationDefault, http1, androidChannelId } = config.push;
        if (serviceAccountJson || useApplicationDefault) return new FcmPushProvider({ serviceAccountJson, http1, androidChannelId });
        new Logger('PushModule').warn('No Firebase credentials: pushes are recorded, not sent (GET /Admin/Push/Recent)');
        return new RecordingPushProvider();
      },
    },
    PushPipeline,
    PushService,
    PushWorker,
    DeviceTokensService,
  ],
  exports: [PushService, PushPipeline, PushWorker, DeviceTokensService],
})
export class PushModule {}
