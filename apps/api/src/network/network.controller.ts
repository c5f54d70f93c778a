import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@app/auth';
import { ApiEnvelope, ApiErrors, ApiErrorsOf, Envelope, ok } from '@app/common';
import {
  AddNetworkMemberRequestDto,
  InvitationSentResponseDto,
  mapMember,
  MemberIdParamDto,
  NetworkMemberResponseDto,
} from './dto/network.dto';
import { InvitationsService } from './invitations.service';
import { NetworkService } from './network.service';

@ApiTags('Network')
@ApiBearerAuth()
@Controller('Network/Members')
export class NetworkController {
  constructor(
    private readonly network: NetworkService,
    private readonly invitations: InvitationsService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listNetworkMembers', summary: 'List my network members, each with our conversation id' })
  @ApiEnvelope(NetworkMemberResponseDto, { isArray: true, description: 'My network members', message: 'List 2 members' })
  @ApiErrors('UNAUTHENTICATED')
  async list(@CurrentUser() me: AuthUser): Promise<Envelope<NetworkMemberResponseDto[]>> {
    const members = await this.network.members(me.userId);
    return ok(`List ${members.length} members`, members.map((m) => mapMember(m.user, m.conversationId)));
  }

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'addNetworkMember',
    summary: 'Invite a user to my network by account id or phone: they accept or decline (the answer is the same whether or not the number belongs to anyone)',
  })
  @ApiBody({
    type: AddNetworkMemberRequestDto,
    examples: {
      byAccountId: { summary: 'By account id', value: { accountId: 'f401327f-e99f-4eb5-8e32-8f412f8a000e' } },
      byPhone: { summary: 'By cell number', value: { phone: '+6591234567' } },
    },
  })
  @ApiEnvelope(InvitationSentResponseDto, { status: HttpStatus.ACCEPTED, description: 'The invitation', message: 'Invitation sent' })
  @ApiErrorsOf(InvitationsService, 'invite', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async add(@CurrentUser() me: AuthUser, @Body() body: AddNetworkMemberRequestDto): Promise<Envelope<InvitationSentResponseDto>> {
    const sent = await this.invitations.invite(me.userId, body);
    return ok(sent.status === 'accepted' ? 'Member added' : 'Invitation sent', {
      invitationId: sent.id,
      status: sent.status,
      sentAt: sent.sentAt.toISOString(),
      ...(sent.member ? { member: mapMember(sent.member.user, sent.member.conversationId) } : {}),
    });
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
