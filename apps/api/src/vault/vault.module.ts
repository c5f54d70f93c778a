import { Module } from '@nestjs/common';
import { VaultDalModule } from '@app/dal/vault';
import { VaultController } from './vault.controller';
import { VaultService } from './vault.service';

@Module({ imports: [VaultDalModule], controllers: [VaultController], providers: [VaultService], exports: [VaultService] })
export class VaultModule {}
