import { Body, Controller, Delete, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '@app/auth';
import { ApiEnvelope, ApiErrorsOf, Envelope, ok } from '@app/common';
import { LinkUsersRequestDto, NetworkLinkResponseDto } from './dto/network.dto';
import { NetworkService } from './network.service';

@ApiTags('Admin')
@AdminOnly()
@Controller('Admin/Network')
export class AdminNetworkController {
  constructor(private readonly network: NetworkService) {}

  @Post()
  @ApiOperation({ operationId: 'linkUsers', summary: 'Link two users in each other\'s network (idempotent); creates their conversation' })
  @ApiEnvelope(NetworkLinkResponseDto, { status: HttpStatus.CREATED, description: 'The link', message: 'Users linked' })
  @ApiErrorsOf(NetworkService, 'link', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async link(@Body() body: LinkUsersRequestDto): Promise<Envelope<NetworkLinkResponseDto>> {
    return ok('Users linked', await this.network.link(body.userId, body.memberId));
  }

  @Delete()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'unlinkUsers', summary: 'Unlink two users (their conversation history is kept)' })
  @ApiEnvelope(LinkUsersRequestDto, { description: 'The pair unlinked', message: 'Users unlinked' })
  @ApiErrorsOf(NetworkService, 'unlink', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async unlink(@Query() query: LinkUsersRequestDto): Promise<Envelope<LinkUsersRequestDto>> {
    await this.network.unlink(query.userId, query.memberId);
    return ok('Users unlinked', { userId: query.userId, memberId: query.memberId });
  }
}
