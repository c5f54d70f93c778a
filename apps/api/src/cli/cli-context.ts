import { DynamicModule, INestApplicationContext, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '@app/auth';
import { AppConfig, AppConfigModule } from '@app/common';
import { DatabaseModule } from '@app/dal';
import { UsersModule } from '../users/users.module';
import { UsersService } from '../users/users.service';

/**
 * The command-line tools' Nest context: the configuration, the database (the embedded one unless
 * MONGODB_URI), users and tokens, and the modules a tool adds; closed when `work` is done.
 */
export async function withCliContext<T>(config: AppConfig, imports: (Type | DynamicModule)[], work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  @Module({ imports: [AppConfigModule.forRoot(config), DatabaseModule, AuthModule.forSubjects({ imports: [UsersModule], useExisting: UsersService }), UsersModule, ...imports] })
  class CliModule {}

  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/** Parses the flags, or ends the process with the reason and the usage on one line each (exit 2). */
export function flagsOrUsage<T>(parse: () => T, usage: string): T {
  try {
    return parse();
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err), usage);
  }
}

export function usageError(reason: string, usage: string): never {
  console.error(`${reason}\n${usage}`);
  process.exit(2);
}
