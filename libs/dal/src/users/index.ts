import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { UserRepository } from './user.repository';
import { UserRecord, UserSchema } from './user.schema';

/** The `users` collection; only the users module imports this (dependency-cruiser). */
@Module({
  imports: [MongooseModule.forFeature([{ name: UserRecord.name, schema: UserSchema }])],
  providers: [UserRepository],
  exports: [UserRepository],
})
export class UsersDalModule {}

export { UserRepository };
