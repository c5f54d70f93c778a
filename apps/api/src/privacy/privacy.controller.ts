import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminOnly, AuthUser, CurrentUser } from '@app/auth';
import { ApiEnvelope, ApiErrorsOf, Envelope, ok } from '@app/common';
import { contentDisposition, Delivery } from '@app/storage';
import { UserIdParamDto } from '../users/dto/user-standing.dto';
import { DataExportService } from './data-export.service';
import { AdminErasureRequestDto, DataExportDto, ErasureDto, ExportIdParamDto, mapErasure, mapExport } from './dto/privacy.dto';
import { ErasureService } from './erasure.service';

const ARCHIVE = { status: 200, description: 'The archive (zip)', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } } as const;

/** A download of an archive: ours, never shown inline or sniffed. */
async function sendArchive(reply: FastifyReply, archive: { delivery: Delivery; fileName: string }): Promise<void> {
  await reply
    .header('Cache-Control', 'private, no-store')
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .header('Content-Type', 'application/zip')
    .header('Content-Length', archive.delivery.length)
    .header('Content-Disposition', contentDisposition({ disposition: 'attachment', fileName: archive.fileName }))
    .send(archive.delivery.body);
}

/** A user's own data rights: a copy of their data, and their account's erasure (docs/security.md, "Data rights"). */
@ApiTags('Privacy')
@ApiBearerAuth()
@Controller('Me')
export class PrivacyController {
  constructor(
    private readonly exports: DataExportService,
    private readonly erasures: ErasureService,
  ) {}

  @Post('Exports')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ operationId: 'requestMyDataExport', summary: 'Ask for a copy of your data: made in the background; poll it, then download the archive' })
  @ApiEnvelope(DataExportDto, { status: HttpStatus.ACCEPTED, description: 'The export (one already in progress is returned)', message: 'Export requested' })
  @ApiErrorsOf(DataExportService, 'request', 'UNAUTHENTICATED')
  async requestExport(@CurrentUser() me: AuthUser): Promise<Envelope<DataExportDto>> {
    return ok('Export requested', mapExport(await this.exports.request(me.userId, me.userId), '/Me/Exports'));
  }

  @Get('Exports/:exportId')
  @ApiOperation({ operationId: 'getMyDataExport', summary: 'An export of yours: its state and progress' })
  @ApiEnvelope(DataExportDto, { description: 'The export', message: 'Export' })
  @ApiErrorsOf(DataExportService, 'find', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED')
  async getExport(@CurrentUser() me: AuthUser, @Param() params: ExportIdParamDto): Promise<Envelope<DataExportDto>> {
    return ok('Export', mapExport(await this.exports.find(params.exportId, me.userId), '/Me/Exports'));
  }

  @Get('Exports/:exportId/Archive')
  @ApiOperation({ operationId: 'downloadMyDataExport', summary: "A ready export's archive (zip)" })
  @ApiResponse(ARCHIVE)
  @ApiErrorsOf(DataExportService, 'archive', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED')
  async downloadExport(@CurrentUser() me: AuthUser, @Param() params: ExportIdParamDto, @Res() reply: FastifyReply): Promise<void> {
    await sendArchive(reply, await this.exports.archive(params.exportId, me.userId));
  }

  @Post('Erasure')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'requestMyErasure',
    summary: 'Have your account erased after the grace period (ERASURE_GRACE_DAYS; cancel it until then)',
    description: 'Takes a fresh sign-in: a token whose `auth_time` (else `iat`) is at most ERASURE_REAUTH_SECONDS old; an older one gets 401 REAUTHENTICATION_REQUIRED.',
  })
  @ApiEnvelope(ErasureDto, { status: HttpStatus.ACCEPTED, description: 'The erasure, scheduled (asking again never postpones it)', message: 'Erasure scheduled' })
  @ApiErrorsOf(ErasureService, 'requestOwn', 'UNAUTHENTICATED')
  async requestErasure(@CurrentUser() me: AuthUser): Promise<Envelope<ErasureDto>> {
    return ok('Erasure scheduled', mapErasure(await this.erasures.requestOwn(me)));
  }

  @Get('Erasure')
  @ApiOperation({ operationId: 'getMyErasure', summary: 'Your scheduled erasure, if any' })
  @ApiEnvelope(ErasureDto, { description: 'The erasure', message: 'Erasure' })
  @ApiErrorsOf(ErasureService, 'find', 'UNAUTHENTICATED')
  async getErasure(@CurrentUser() me: AuthUser): Promise<Envelope<ErasureDto>> {
    return ok('Erasure', mapErasure(await this.erasures.find(me.userId)));
  }

  @Delete('Erasure')
  @ApiOperation({ operationId: 'cancelMyErasure', summary: 'Cancel your scheduled erasure (until it starts)' })
  @ApiEnvelope(ErasureDto, { description: 'The erasure, cancelled', message: 'Erasure cancelled' })
  @ApiErrorsOf(ErasureService, 'cancel', 'UNAUTHENTICATED')
  async cancelErasure(@CurrentUser() me: AuthUser): Promise<Envelope<ErasureDto>> {
    return ok('Erasure cancelled', mapErasure(await this.erasures.cancel(me.userId)));
  }
}

/** An admin exercises a user's data rights for them (every call is in the admin audit). */
@ApiTags('Admin')
@AdminOnly()
@Controller('Admin')
export class AdminPrivacyController {
  constructor(
    private readonly exports: DataExportService,
    private readonly erasures: ErasureService,
  ) {}

  @Post('Users/:userId/Exports')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ operationId: 'requestUserDataExport', summary: "Ask for a copy of a user's data (made in the background)" })
  @ApiEnvelope(DataExportDto, { status: HttpStatus.ACCEPTED, description: 'The export (one already in progress is returned)', message: 'Export requested' })
  @ApiErrorsOf(DataExportService, 'request', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async requestExport(@CurrentUser() admin: AuthUser, @Param() params: UserIdParamDto): Promise<Envelope<DataExportDto>> {
    return ok('Export requested', mapExport(await this.exports.request(params.userId, admin.userId), '/Admin/Exports'));
  }

  @Get('Exports/:exportId')
  @ApiOperation({ operationId: 'getUserDataExport', summary: 'Any export: its state and progress' })
  @ApiEnvelope(DataExportDto, { description: 'The export', message: 'Export' })
  @ApiErrorsOf(DataExportService, 'find', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async getExport(@Param() params: ExportIdParamDto): Promise<Envelope<DataExportDto>> {
    return ok('Export', mapExport(await this.exports.find(params.exportId), '/Admin/Exports'));
  }

  @Get('Exports/:exportId/Archive')
  @ApiOperation({ operationId: 'downloadUserDataExport', summary: "A ready export's archive (zip)" })
  @ApiResponse(ARCHIVE)
  @ApiErrorsOf(DataExportService, 'archive', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async downloadExport(@Param() params: ExportIdParamDto, @Res() reply: FastifyReply): Promise<void> {
    await sendArchive(reply, await this.exports.archive(params.exportId));
  }

  @Post('Users/:userId/Erasure')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ operationId: 'requestUserErasure', summary: "Schedule a user's erasure: after the grace period, or at once (`immediately`)" })
  @ApiEnvelope(ErasureDto, { status: HttpStatus.ACCEPTED, description: 'The erasure', message: 'Erasure scheduled' })
  @ApiErrorsOf(ErasureService, 'requestFor', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async requestErasure(@CurrentUser() admin: AuthUser, @Param() params: UserIdParamDto, @Body() body: AdminErasureRequestDto): Promise<Envelope<ErasureDto>> {
    return ok('Erasure scheduled', mapErasure(await this.erasures.requestFor(params.userId, admin.userId, body.immediately === true)));
  }

  @Get('Users/:userId/Erasure')
  @ApiOperation({ operationId: 'getUserErasure', summary: "A user's erasure: scheduled, running, done or cancelled" })
  @ApiEnvelope(ErasureDto, { description: 'The erasure', message: 'Erasure' })
  @ApiErrorsOf(ErasureService, 'find', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async getErasure(@Param() params: UserIdParamDto): Promise<Envelope<ErasureDto>> {
    return ok('Erasure', mapErasure(await this.erasures.find(params.userId)));
  }

  @Delete('Users/:userId/Erasure')
  @ApiOperation({ operationId: 'cancelUserErasure', summary: "Cancel a user's scheduled erasure (until it starts)" })
  @ApiEnvelope(ErasureDto, { description: 'The erasure, cancelled', message: 'Erasure cancelled' })
  @ApiErrorsOf(ErasureService, 'cancel', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async cancelErasure(@Param() params: UserIdParamDto): Promise<Envelope<ErasureDto>> {
    return ok('Erasure cancelled', mapErasure(await this.erasures.cancel(params.userId)));
  }
}
