import { Module } from '@nestjs/common';
import { UsersDalModule } from '@app/dal/users';
import { RealtimeModule } from '../realtime/realtime.module';
import { AdminUsersController } from './admin-users.controller';
import { UsersService } from './users.service';

/** Users: the only writer of `users`; every other domain reads people through UsersService. */
@Module({ imports: [UsersDalModule, RealtimeModule], controllers: [AdminUsersController], providers: [UsersService], exports: [UsersService] })
export class UsersModule {}
