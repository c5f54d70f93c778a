import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { AppConfig, AppConfigModule, AppLoggingModule } from '@app/common';
import { DatabaseModule } from '@app/dal';
import { AttachmentsModule } from './attachments/attachments.module';
import { ChatModule } from './chat/chat.module';
import { DemoModule } from './demo/demo.module';
import { DrfiModule } from './drfi/drfi.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { MetricsServer } from './metrics/metrics.server';
import { ModerationModule } from './moderation/moderation.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { PushModule } from './push/push.module';
import { NetworkModule } from './network/network.module';
import { PrivacyModule } from './privacy/privacy.module';
import { UsersModule } from './users/users.module';
import { UsersService } from './users/users.service';
import { VaultModule } from './vault/vault.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        AppLoggingModule,
        DatabaseModule,
        MetricsModule,
        AuthModule.withGlobalGuards({ imports: [UsersModule], useExisting: UsersService }),
        RateLimitModule,
        HealthModule,
        UsersModule,
        NetworkModule,
        ChatModule,
        AttachmentsModule,
        VaultModule,
        DrfiModule,
        PushModule,
        ModerationModule,
        PrivacyModule,
        // The demo web client, in development unless DEMO_PAGE says otherwise.
        ...(config.demoPage ? [DemoModule] : []),
      ],
      providers: [MetricsServer],
    };
  }
}
