import { Body, Controller, Get, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '@app/auth';
import { ApiEnvelope, ApiErrors, ApiErrorsOf, Envelope, ok } from '@app/common';
import { CreateUserRequestDto } from './dto/create-user.request.dto';
import { ListUsersQueryDto } from './dto/list-users.query.dto';
import { mapUser, UserPageResponseDto, UserResponseDto } from './dto/user.response.dto';
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
}
