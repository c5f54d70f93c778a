import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './app-config';

/** Provides the validated AppConfig everywhere; main.ts builds it from the environment, tests build their own. */
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AppConfigModule, global: true, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}
