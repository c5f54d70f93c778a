import { Controller, Delete, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '@app/auth';
import { ApiEnvelope, ApiErrorsOf, Envelope, ok } from '@app/common';
import { MessageDeletedDto } from './dto/chat-results.dto';
import { MessageIdParamDto } from './dto/chat.request.dto';
import { MessageCommandsService } from './message-commands.service';

@ApiTags('Admin')
@AdminOnly()
@Controller('Admin/Messages')
export class AdminMessagesController {
  constructor(private readonly commands: MessageCommandsService) {}

  @Delete(':messageId')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'deleteMessageForEveryone',
    summary: "Delete a message for everyone (moderation): both parties see it deleted, as after its sender's delete; deleting twice is harmless",
  })
  @ApiEnvelope(MessageDeletedDto, { description: 'Deleted', message: 'Message deleted for everyone' })
  @ApiErrorsOf(MessageCommandsService, 'deleteForEveryone', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async delete(@Param() params: MessageIdParamDto): Promise<Envelope<MessageDeletedDto>> {
    const { message } = await this.commands.deleteForEveryone(params.messageId);
    return ok('Message deleted for everyone', { conversationId: message.conversationId, messageId: message.id });
  }
}
