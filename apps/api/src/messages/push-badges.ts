import { Injectable, OnModuleInit } from '@nestjs/common';
import { UnreadSummaryRepository } from '@app/dal/messages';
import { PushPipeline } from '../push/push-pipeline';

/** Hands push the badge's source: each user's unread summary, the conversation list's counts (push knows no domain). */
@Injectable()
export class PushBadges implements OnModuleInit {
  constructor(
    private readonly pipeline: PushPipeline,
    private readonly unread: UnreadSummaryRepository,
  ) {}

  onModuleInit(): void {
    this.pipeline.countUnreadWith(this.unread);
  }
}
