import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, AuthUser, CurrentUser } from '@app/auth';
import { ApiEnvelope, ApiErrors, ApiErrorsOf, Envelope, ok } from '@app/common';
import { AdminTokensQueryDto, DeviceTokenResponseDto, OutboxEntryDto, RecentPushesQueryDto, RegisterTokenRequestDto, TokenParamDto } from './dto/push.dto';
import { DeviceTokensService } from './device-tokens.service';

@ApiTags('Push')
@ApiBearerAuth()
@Controller('Push/Tokens')
export class PushTokensController {
  constructor(private readonly tokens: DeviceTokensService) {}

  @Post()
  @ApiOperation({ operationId: 'registerPushToken', summary: 'Register my device token (a token registered by someone else moves to me)' })
  @ApiEnvelope(DeviceTokenResponseDto, { status: HttpStatus.CREATED, description: 'Registered', message: 'Token registered' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHENTICATED')
  async register(@CurrentUser() me: AuthUser, @Body() body: RegisterTokenRequestDto): Promise<Envelope<DeviceTokenResponseDto>> {
    return ok('Token registered', await this.tokens.register(me.userId, body.token, body.platform, body.deviceId ?? null));
  }

  @Get()
  @ApiOperation({ operationId: 'listPushTokens', summary: 'My device tokens' })
  @ApiEnvelope(DeviceTokenResponseDto, { isArray: true, description: 'My tokens', message: 'List 1 tokens' })
  @ApiErrors('UNAUTHENTICATED')
  async list(@CurrentUser() me: AuthUser): Promise<Envelope<DeviceTokenResponseDto[]>> {
    const tokens = await this.tokens.listOwn(me.userId);
    return ok(`List ${tokens.length} tokens`, tokens);
  }

  @Delete(':token')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'removePushToken', summary: 'Remove my device token' })
  @ApiEnvelope(TokenParamDto, { description: 'Removed', message: 'Token removed' })
  @ApiErrorsOf(DeviceTokensService, 'removeOwn', 'VALIDATION_FAILED', 'UNAUTHENTICATED')
  async remove(@CurrentUser() me: AuthUser, @Param() params: TokenParamDto): Promise<Envelope<TokenParamDto>> {
    await this.tokens.removeOwn(me.userId, params.token);
    return ok('Token removed', { token: params.token });
  }
}

@ApiTags('Admin')
@AdminOnly()
@Controller('Admin/Push')
export class AdminPushController {
  constructor(private readonly tokens: DeviceTokensService) {}

  @Get('Tokens')
  @ApiOperation({ operationId: 'listUserPushTokens', summary: "A user's device tokens (active and deactivated)" })
  @ApiEnvelope(DeviceTokenResponseDto, { isArray: true, description: 'Their tokens', message: 'List 1 tokens' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async tokensOf(@Query() query: AdminTokensQueryDto): Promise<Envelope<DeviceTokenResponseDto[]>> {
    const tokens = await this.tokens.listAll(query.userId);
    return ok(`List ${tokens.length} tokens`, tokens);
  }

  @Delete('Tokens/:token')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'revokePushToken', summary: 'Revoke a device token' })
  @ApiEnvelope(TokenParamDto, { description: 'Revoked', message: 'Token revoked' })
  @ApiErrorsOf(DeviceTokensService, 'revoke', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async revoke(@Param() params: TokenParamDto): Promise<Envelope<TokenParamDto>> {
    await this.tokens.revoke(params.token);
    return ok('Token revoked', { token: params.token });
  }

  @Get('Recent')
  @ApiOperation({ operationId: 'listRecentPushes', summary: 'Recent pushes, newest first (with the recording provider: what would have been sent)' })
  @ApiEnvelope(OutboxEntryDto, { isArray: true, description: 'Pushes', message: 'List 2 pushes' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async recent(@Query() query: RecentPushesQueryDto): Promise<Envelope<OutboxEntryDto[]>> {
    const pushes = await this.tokens.recentPushes(query.limit, query.userId);
    return ok(`List ${pushes.length} pushes`, pushes);
  }
}
