import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsMongoId, IsOptional } from 'class-validator';
import { AdminOnly, AuthUser, CurrentUser } from '@app/auth';
import { ApiEnvelope, ApiErrors, ApiErrorsOf, Envelope, IsPageLimit, ok, OBJECT_ID_PATTERN } from '@app/common';
import { AcceptDrfiRequestDto, DenyDrfiQueryDto, DrfiAuditEntryDto, DrfiOutcomeDto } from './dto/drfi.dto';
import { DrfiAuditService } from './drfi-audit.service';
import { DrfiService } from './drfi.service';

@ApiTags('Chat')
@ApiBearerAuth()
@Controller('Chat/Drfi')
export class DrfiController {
  constructor(private readonly drfi: DrfiService) {}

  @Post('Accept')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'acceptDrfiRequest', summary: 'Accept a DRFI request with data (only its receiver; once); newValue fields also go to my vault' })
  @ApiEnvelope(DrfiOutcomeDto, { description: 'Accepted', message: 'DRFI request accepted' })
  @ApiErrorsOf(DrfiService, 'accept', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async accept(@CurrentUser() me: AuthUser, @Body() body: AcceptDrfiRequestDto): Promise<Envelope<DrfiOutcomeDto>> {
    return ok('DRFI request accepted', await this.drfi.accept(me.userId, body.messageId, body.fields));
  }

  @Post('Deny')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'denyDrfiRequest', summary: 'Deny a DRFI request (only its receiver; once)' })
  @ApiEnvelope(DrfiOutcomeDto, { description: 'Denied', message: 'DRFI request denied' })
  @ApiErrorsOf(DrfiService, 'deny', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async deny(@CurrentUser() me: AuthUser, @Query() query: DenyDrfiQueryDto): Promise<Envelope<DrfiOutcomeDto>> {
    return ok('DRFI request denied', await this.drfi.deny(me.userId, query.messageId));
  }
}

export class DrfiAuditQueryDto {
  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: 'Only events where this user is actor or counterpart' })
  @IsOptional()
  @IsMongoId()
  userId?: string;

  @IsPageLimit(500, 100)
  limit = 100;
}

@ApiTags('Admin')
@AdminOnly()
@Controller('Admin/Drfi')
export class AdminDrfiController {
  constructor(private readonly audit: DrfiAuditService) {}

  @Get('Audit')
  @ApiOperation({ operationId: 'listDrfiAudit', summary: 'The DRFI audit trail, newest first (paths and parties, never values)' })
  @ApiEnvelope(DrfiAuditEntryDto, { isArray: true, description: 'Audit entries', message: 'List 3 DRFI events' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async list(@Query() query: DrfiAuditQueryDto): Promise<Envelope<DrfiAuditEntryDto[]>> {
    const entries = await this.audit.list(query);
    return ok(`List ${entries.length} DRFI events`, entries.map((e) => ({ ...e, at: e.at.toISOString() })));
  }
}
