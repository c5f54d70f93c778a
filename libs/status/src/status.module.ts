import { Module } from '@nestjs/common';
import { MessagesDalModule } from '@app/dal/message-status';
import { MessageStatusService } from './message-status.service';

/** The delivery and DRFI status machines; the only module that writes a message's status. */
@Module({ imports: [MessagesDalModule], providers: [MessageStatusService], exports: [MessageStatusService] })
export class StatusModule {}
