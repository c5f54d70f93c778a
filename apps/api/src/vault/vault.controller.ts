import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@app/auth';
import { ApiEnvelope, ApiErrors, ApiErrorsOf, Envelope, ok } from '@app/common';
import { UpdateVaultRequestDto, UserDataFieldDto, VaultFieldDto } from './dto/vault.dto';
import { VaultService } from './vault.service';

@ApiTags('Vault')
@ApiBearerAuth()
@Controller('Vault')
export class VaultController {
  constructor(private readonly vault: VaultService) {}

  @Get('Fields')
  @ApiOperation({ operationId: 'listVaultFields', summary: 'The vault field catalog (what a DRFI can ask for)' })
  @ApiEnvelope(VaultFieldDto, { isArray: true, description: 'Every vault field', message: 'List 32 vault fields' })
  @ApiErrors('UNAUTHENTICATED')
  fields(): Envelope<VaultFieldDto[]> {
    const fields = this.vault.fields();
    return ok(`List ${fields.length} vault fields`, fields.map((f) => ({ ...f })));
  }

  @Get()
  @ApiOperation({ operationId: 'getVault', summary: 'My vault values, as interaction user data' })
  @ApiEnvelope(UserDataFieldDto, { isArray: true, description: 'The fields I have a value for', message: 'Vault' })
  @ApiErrors('UNAUTHENTICATED')
  async get(@CurrentUser() me: AuthUser): Promise<Envelope<UserDataFieldDto[]>> {
    return ok('Vault', await this.vault.valuesOf(me.userId));
  }

  @Put()
  @ApiOperation({ operationId: 'updateVault', summary: 'Set or clear (value null) some of my vault values; all are checked before any is written' })
  @ApiEnvelope(UserDataFieldDto, { isArray: true, description: 'My vault after the update', message: 'Vault updated' })
  @ApiErrorsOf(VaultService, 'update', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async update(@CurrentUser() me: AuthUser, @Body() body: UpdateVaultRequestDto): Promise<Envelope<UserDataFieldDto[]>> {
    return ok('Vault updated', await this.vault.update(me.userId, body.fields));
  }
}
