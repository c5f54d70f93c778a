import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OwnerRosterSchema } from '../shared/owner-roster';
import { DEVICE_ROSTER, DeviceTokenRepository } from './device-token.repository';
import { DeviceTokenRecord, DeviceTokenSchema } from './device-token.schema';
import { PushOutboxRepository } from './push-outbox.repository';
import { PushLogRecord, PushLogSchema, PushOutboxRecord, PushOutboxSchema, PushWorkerLeaseRecord, PushWorkerLeaseSchema } from './push-outbox.schema';
import { PushTargetsRecord, PushTargetsSchema } from './push-target.schema';

/** The `device_tokens`, `push_device_rosters`, `push_targets`, `push_outbox`, `push_log` and `push_worker_leases` collections; only the push module imports this (dependency-cruiser). */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: DeviceTokenRecord.name, schema: DeviceTokenSchema },
      { name: DEVICE_ROSTER, schema: OwnerRosterSchema, collection: 'push_device_rosters' },
      { name: PushOutboxRecord.name, schema: PushOutboxSchema },
      { name: PushLogRecord.name, schema: PushLogSchema },
      { name: PushWorkerLeaseRecord.name, schema: PushWorkerLeaseSchema },
      { name: PushTargetsRecord.name, schema: PushTargetsSchema },
    ]),
  ],
  providers: [DeviceTokenRepository, PushOutboxRepository],
  exports: [DeviceTokenRepository, PushOutboxRepository],
})
export class PushDalModule {}

export { DeviceTokenRepository, PushOutboxRepository };
export type { PushTarget } from './push-target.schema';
