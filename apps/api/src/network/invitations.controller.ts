import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@app/auth';
import { ApiEnvelope, ApiErrors, ApiErrorsOf, Envelope, ok } from '@app/common';
import {
  InvitationAnsweredDto,
  InvitationIdParamDto,
  InvitationsResponseDto,
  mapInviter,
  mapMember,
  NetworkMemberResponseDto,
} from './dto/network.dto';
import { InvitationsService } from './invitations.service';

@ApiTags('Network')
@ApiBearerAuth()
@Controller('Network/Invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get()
  @ApiOperation({ operationId: 'listInvitations', summary: 'My pending invitations: received (to accept or decline) and sent' })
  @ApiEnvelope(InvitationsResponseDto, { description: 'My pending invitations', message: 'List 1 received, 2 sent' })
  @ApiErrors('UNAUTHENTICATED')
  async list(@CurrentUser() me: AuthUser): Promise<Envelope<InvitationsResponseDto>> {
    const { received, sent } = await this.invitations.list(me.userId);
    return ok(`List ${received.length} received, ${sent.length} sent`, {
      received: received.map((i) => ({ invitationId: i.id, from: mapInviter(i.from), sentAt: i.sentAt.toISOString() })),
      sent: sent.map((i) => ({ invitationId: i.id, phone: i.toPhone, accountId: i.toAccountId, status: 'pending' as const, sentAt: i.sentAt.toISOString() })),
    });
  }

  @Post(':invitationId/Accept')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'acceptInvitation', summary: 'Accept an invitation: we are linked, with our conversation (the old one, if we had one)' })
  @ApiEnvelope(NetworkMemberResponseDto, { description: 'The new member', message: 'Invitation accepted' })
  @ApiErrorsOf(InvitationsService, 'accept', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED')
  async accept(@CurrentUser() me: AuthUser, @Param() params: InvitationIdParamDto): Promise<Envelope<NetworkMemberResponseDto>> {
    const member = await this.invitations.accept(me.userId, params.invitationId);
    return ok('Invitation accepted', mapMember(member.user, member.conversationId));
  }

  @Post(':invitationId/Decline')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'declineInvitation', summary: 'Decline an invitation (the inviter is not told)' })
  @ApiEnvelope(InvitationAnsweredDto, { description: 'The invitation declined', message: 'Invitation declined' })
  @ApiErrorsOf(InvitationsService, 'decline', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED')
  async decline(@CurrentUser() me: AuthUser, @Param() params: InvitationIdParamDto): Promise<Envelope<InvitationAnsweredDto>> {
    await this.invitations.decline(me.userId, params.invitationId);
    return ok('Invitation declined', { invitationId: params.invitationId });
  }

  @Delete(':invitationId')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'withdrawInvitation', summary: 'Withdraw an invitation I sent that is not accepted yet' })
  @ApiEnvelope(InvitationAnsweredDto, { description: 'The invitation withdrawn', message: 'Invitation withdrawn' })
  @ApiErrorsOf(InvitationsService, 'withdraw', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED')
  async withdraw(@CurrentUser() me: AuthUser, @Param() params: InvitationIdParamDto): Promise<Envelope<InvitationAnsweredDto>> {
    await this.invitations.withdraw(me.userId, params.invitationId);
    return ok('Invitation withdrawn', { invitationId: params.invitationId });
  }
}
