import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '@app/auth';
import { ApiEnvelope, ApiErrors, ApiErrorsOf, Envelope, ok } from '@app/common';
import { CreateUserRequestDto } from './dto/create-user.request.dto';
import { ListUsersQueryDto } from './dto/list-users.query.dto';
import { mapUser, UserPageResponseDto, UserResponseDto } from './dto/user.response.dto';
import { SessionsRevokedDto, UserIdParamDto, UserSuspensionDto } from './dto/user-standing.dto';
import { UsersService } from './users.service';

@ApiTags('Admin')
@AdminOnly()
@Controller('Admin/Users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ operationId: 'createUser', summary: 'Create a user' })
  @ApiEnvelope(UserResponseDto, { status: HttpStatus.CREATED, description: 'The new user', message: 'User created' })
  @ApiErrorsOf(UsersService, 'create', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async create(@Body() body: CreateUserRequestDto): Promise<Envelope<UserResponseDto>> {
    return ok('User created', mapUser(await this.users.create(body)));
  }

  @Get()
  @ApiOperation({ operationId: 'listUsers', summary: 'List users, oldest first, a page at a time' })
  @ApiEnvelope(UserPageResponseDto, { description: 'A page of users', message: 'List 2 users' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async list(@Query() query: ListUsersQueryDto): Promise<Envelope<UserPageResponseDto>> {
    const page = await this.users.list(query);
    return ok(`List ${page.users.length} users`, { users: page.users.map(mapUser), nextAfter: page.nextAfter });
  }

  @Post(':userId/RevokeSessions')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'revokeUserSessions',
    summary: "End every session of a user: tokens issued before now are refused, their sockets on every process disconnected",
  })
  @ApiEnvelope(SessionsRevokedDto, { description: 'The sessions are revoked', message: 'Sessions revoked' })
  @ApiErrorsOf(UsersService, 'revokeSessions', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async revokeSessions(@Param() params: UserIdParamDto): Promise<Envelope<SessionsRevokedDto>> {
    const at = await this.users.revokeSessions(params.userId);
    return ok('Sessions revoked', { userId: params.userId, sessionsValidFrom: at.toISOString() });
  }

  @Post(':userId/Suspend')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'suspendUser', summary: 'Suspend a user: every token of theirs refused (403 ACCOUNT_SUSPENDED), their sockets disconnected' })
  @ApiEnvelope(UserSuspensionDto, { description: 'The user is suspended', message: 'User suspended' })
  @ApiErrorsOf(UsersService, 'setSuspended', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async suspend(@Param() params: UserIdParamDto): Promise<Envelope<UserSuspensionDto>> {
    await this.users.setSuspended(params.userId, true);
    return ok('User suspended', { userId: params.userId, suspended: true });
  }

  @Post(':userId/Restore')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'restoreUser', summary: "Lift a user's suspension: their tokens count again" })
  @ApiEnvelope(UserSuspensionDto, { description: 'The user is restored', message: 'User restored' })
  @ApiErrorsOf(UsersService, 'setSuspended', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async restore(@Param() params: UserIdParamDto): Promise<Envelope<UserSuspensionDto>> {
    await this.users.setSuspended(params.userId, false);
    return ok('User restored', { userId: params.userId, suspended: false });
  }
}
