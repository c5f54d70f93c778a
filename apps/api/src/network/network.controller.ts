import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@app/auth';
import { ApiEnvelope, ApiErrors, ApiErrorsOf, Envelope, ok } from '@app/common';
import {
  AddNetworkMemberRequestDto,
  mapMember,
  MemberIdParamDto,
  NetworkMemberResponseDto,
} from './dto/network.dto';
import { NetworkService } from './network.service';

@ApiTags('Network')
@ApiBearerAuth()
@Controller('Network/Members')
export class NetworkController {
  constructor(private readonly network: NetworkService) {}

  @Get()
  @ApiOperation({ operationId: 'listNetworkMembers', summary: 'List my network members, each with our conversation id' })
  @ApiEnvelope(NetworkMemberResponseDto, { isArray: true, description: 'My network members', message: 'List 2 members' })
  @ApiErrors('UNAUTHENTICATED')
  async list(@CurrentUser() me: AuthUser): Promise<Envelope<NetworkMemberResponseDto[]>> {
    const members = await this.network.members(me.userId);
    return ok(`List ${members.length} members`, members.map((m) => mapMember(m.user, m.conversationId)));
  }

  @Post()
  @ApiOperation({ operationId: 'addNetworkMember', summary: 'Add a user to my network by account id or phone (linking is mutual and idempotent)' })
  @ApiBody({
    type: AddNetworkMemberRequestDto,
    examples: {
      byAccountId: { summary: 'By account id', value: { accountId: 'f401327f-e99f-4eb5-8e32-8f412f8a000e' } },
      byPhone: { summary: 'By cell number', value: { phone: '+6591234567' } },
    },
  })
  @ApiEnvelope(NetworkMemberResponseDto, { status: HttpStatus.CREATED, description: 'The member added', message: 'Member added' })
  @ApiErrorsOf(NetworkService, 'addMember', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async add(@CurrentUser() me: AuthUser, @Body() body: AddNetworkMemberRequestDto): Promise<Envelope<NetworkMemberResponseDto>> {
    const member = await this.network.addMember(me.userId, body);
    return ok('Member added', mapMember(member.user, member.conversationId));
  }

  @Delete(':userId')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'removeNetworkMember', summary: 'Remove a member from my network (our conversation history is kept)' })
  @ApiEnvelope(MemberIdParamDto, { description: 'The member removed', message: 'Member removed' })
  @ApiErrorsOf(NetworkService, 'unlink', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED')
  async remove(@CurrentUser() me: AuthUser, @Param() params: MemberIdParamDto): Promise<Envelope<MemberIdParamDto>> {
    await this.network.unlink(me.userId, params.userId);
    return ok('Member removed', { userId: params.userId });
  }
}
