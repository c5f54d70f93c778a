import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { HealthCheckResult } from '@nestjs/terminus';
import { Public } from '@app/auth';
import { ApiEnvelope, ApiErrors, AppError, Envelope, ok } from '@app/common';
import { HealthService } from './health.service';

export class HealthDto {
  @ApiProperty({ example: 'ok' })
  status: 'ok';

  @ApiProperty({ example: 'up' })
  database: 'up';
}

export class LivenessDto {
  @ApiProperty({ example: 'ok' })
  status: 'ok';
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'degraded'], description: '`degraded`: serving, with Redis away or pushes late (see details)' })
  status: 'ok' | 'degraded';

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Each check (lifecycle, database, redis, pushOutbox) with its status and figures',
    example: { lifecycle: { status: 'up' }, database: { status: 'up' }, redis: { status: 'up' }, pushOutbox: { status: 'up', oldestWaitMs: 0 } },
  })
  details: Record<string, unknown>;
}

@ApiTags('Health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ operationId: 'checkHealth', summary: 'Database reachability (no token needed)' })
  @ApiEnvelope(HealthDto, { description: 'The database answered a ping', message: 'OK' })
  @ApiErrors('DATABASE_UNAVAILABLE')
  async check(): Promise<Envelope<HealthDto>> {
    if (!(await this.health.isDatabaseUp())) throw new AppError('DATABASE_UNAVAILABLE');
    return ok('OK', { status: 'ok', database: 'up' });
  }

  @Get('live')
  @ApiOperation({ operationId: 'checkLiveness', summary: 'Liveness: the process answers (no dependency is asked)' })
  @ApiEnvelope(LivenessDto, { description: 'Alive', message: 'Alive' })
  live(): Envelope<LivenessDto> {
    return ok('Alive', { status: 'ok' });
  }

  @Get('ready')
  @ApiOperation({ operationId: 'checkReadiness', summary: 'Readiness: not shutting down and the database answers; Redis and the push backlog reported' })
  @ApiEnvelope(ReadinessDto, { description: 'Ready (possibly degraded)', message: 'Ready' })
  @ApiErrors('NOT_READY')
  async ready(): Promise<Envelope<ReadinessDto>> {
    let result: HealthCheckResult;
    try {
      result = await this.health.readiness();
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const failed = Object.keys((err.getResponse() as HealthCheckResult).error ?? {});
      throw new AppError('NOT_READY', `Not ready: ${failed.join(', ')}`);
    }
    return ok(result.status === 'degraded' ? 'Ready, degraded' : 'Ready', { status: result.status === 'degraded' ? 'degraded' : 'ok', details: result.details });
  }
}
