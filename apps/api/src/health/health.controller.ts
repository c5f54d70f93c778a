import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/auth';
import { ApiEnvelope, ApiErrors, AppError, Envelope, ok } from '@app/common';
import { HealthService } from './health.service';

export class HealthDto {
  @ApiProperty({ example: 'ok' })
  status: 'ok';

  @ApiProperty({ example: 'up' })
  database: 'up';
}

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @Public()
  @ApiOperation({ operationId: 'checkHealth', summary: 'Liveness and database reachability (no token needed)' })
  @ApiEnvelope(HealthDto, { description: 'The database answered a ping', message: 'OK' })
  @ApiErrors('DATABASE_UNAVAILABLE')
  async check(): Promise<Envelope<HealthDto>> {
    if (!(await this.health.isDatabaseUp())) throw new AppError('DATABASE_UNAVAILABLE');
    return ok('OK', { status: 'ok', database: 'up' });
  }
}
