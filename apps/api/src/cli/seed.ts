import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ADMIN_ROLE, AuthModule, TokenService } from '@app/auth';
import { AppConfig, AppConfigModule } from '@app/common';
import { DatabaseModule } from '@app/dal';
import { NetworkModule } from '../network/network.module';
import { NetworkService } from '../network/network.service';
import { UsersModule } from '../users/users.module';
import { UsersService } from '../users/users.service';

const DEMO_USERS = [
  { name: 'Admin', phone: '+10000000001', admin: true },
  { name: 'Yamada Takai', phone: '+6590000001', admin: false },
  { name: 'Cindy Nguyen', phone: '+6590000002', admin: false },
  { name: 'Angela Simson', phone: '+6590000003', admin: false },
];

/**
 * Creates (or finds again) a few demo users, links the non-admin ones in one network and prints a
 * token for each, so a newcomer can try the API from Swagger UI. Safe to run twice.
 */
async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment();

  @Module({ imports: [AppConfigModule.forRoot(config), DatabaseModule, AuthModule.forSubjects({ imports: [UsersModule], useExisting: UsersService }), UsersModule, NetworkModule] })
  class SeedModule {}

  const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  try {
    const users = app.get(UsersService);
    const network = app.get(NetworkService);
    const tokens = app.get(TokenService);

    const seeded = [];
    for (const demo of DEMO_USERS) {
      const user = (await users.findByPhone(demo.phone)) ?? (await users.create({ name: demo.name, phone: demo.phone }));
      seeded.push({ ...user, admin: demo.admin });
    }
    const members = seeded.filter((u) => !u.admin);
    for (const [i, a] of members.entries()) {
      for (const b of members.slice(i + 1)) await network.link(a.id, b.id);
    }

    console.log('Demo users (tokens valid 7 days; paste one into Swagger UI\'s Authorize at /docs):\n');
    for (const user of seeded) {
      const token = tokens.sign({ userId: user.id, roles: user.admin ? [ADMIN_ROLE] : [] }, '7d');
      console.log(`${user.name}${user.admin ? ' (admin)' : ''}  id=${user.id}  phone=${user.phone}\n  ${token}\n`);
    }
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
