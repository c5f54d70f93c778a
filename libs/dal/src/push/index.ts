import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DeviceTokenRepository } from './device-token.repository';
import { DeviceTokenRecord, DeviceTokenSchema, PushDeviceRosterRecord, PushDeviceRosterSchema } from './device-token.schema';
import { PushOutboxRepository } from './push-outbox.repository';
import { PushOutboxRecord, PushOutboxSchema } from './push-outbox.schema';

/** The `device_tokens`, `push_device_rosters` and `push_outbox` collections; only the push module imports this (dependency-cruiser). */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: DeviceTokenRecord.name, schema: DeviceTokenSchema },
      { name: PushDeviceRosterRecord.name, schema: PushDeviceRosterSchema },
      { name: PushOutboxRecord.name, schema: PushOutboxSchema },
    ]),
  ],
  providers: [DeviceTokenRepository, PushOutboxRepository],
  exports: [DeviceTokenRepository, PushOutboxRepository],
})
export class PushDalModule {}

export { DeviceTokenRepository, PushOutboxRepository };
