import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { VaultRepository } from './vault.repository';
import { VaultRecord, VaultSchema } from './vault.schema';

/** The `vaults` collection; only the vault module imports this (dependency-cruiser). */
@Module({
  imports: [MongooseModule.forFeature([{ name: VaultRecord.name, schema: VaultSchema }])],
  providers: [VaultRepository],
  exports: [VaultRepository],
})
export class VaultDalModule {}

export { VaultRepository };
export type { VaultChange } from './vault.repository';
