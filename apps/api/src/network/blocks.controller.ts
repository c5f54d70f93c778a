import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@app/auth';
import { ApiEnvelope, ApiErrors, ApiErrorsOf, Envelope, ok } from '@app/common';
import { BlockedUserResponseDto, BlockUserRequestDto, mapBlocked, MemberIdParamDto } from './dto/network.dto';
import { BlocksService } from './blocks.service';

@ApiTags('Network')
@ApiBearerAuth()
@Controller('Network/Blocks')
export class BlocksController {
  constructor(private readonly blocks: BlocksService) {}

  @Get()
  @ApiOperation({ operationId: 'listBlockedUsers', summary: 'The users I blocked, oldest block first' })
  @ApiEnvelope(BlockedUserResponseDto, { isArray: true, description: 'Users I blocked', message: 'List 1 blocked users' })
  @ApiErrors('UNAUTHENTICATED')
  async list(@CurrentUser() me: AuthUser): Promise<Envelope<BlockedUserResponseDto[]>> {
    const blocked = await this.blocks.blocked(me.userId);
    return ok(`List ${blocked.length} blocked users`, blocked.map((b) => mapBlocked(b.user, b.blockedAt)));
  }

  @Post()
  @ApiOperation({
    operationId: 'blockUser',
    summary: 'Block a user: they leave my network and can no longer message, invite me or see my presence (idempotent)',
  })
  @ApiEnvelope(BlockedUserResponseDto, { status: HttpStatus.CREATED, description: 'The user blocked', message: 'User blocked' })
  @ApiErrorsOf(BlocksService, 'block', 'VALIDATION_FAILED', 'UNAUTHENTICATED')
  async block(@CurrentUser() me: AuthUser, @Body() body: BlockUserRequestDto): Promise<Envelope<BlockedUserResponseDto>> {
    const blocked = await this.blocks.block(me.userId, body.userId);
    return ok('User blocked', mapBlocked(blocked.user, blocked.blockedAt));
  }

  @Delete(':userId')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'unblockUser', summary: 'Unblock a user: if we were linked when I blocked them, we are again' })
  @ApiEnvelope(MemberIdParamDto, { description: 'The user unblocked', message: 'User unblocked' })
  @ApiErrorsOf(BlocksService, 'unblock', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED')
  async unblock(@CurrentUser() me: AuthUser, @Param() params: MemberIdParamDto): Promise<Envelope<MemberIdParamDto>> {
    await this.blocks.unblock(me.userId, params.userId);
    return ok('User unblocked', { userId: params.userId });
  }
}
