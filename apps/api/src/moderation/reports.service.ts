import { Injectable } from '@nestjs/common';
import { AppError, Throws } from '@app/common';
import { NewReport, Report, ReportRepository } from '@app/dal/moderation';
import type { ReportReason, ReportStatus } from '@app/dal/moderation';
import { MessagesService } from '../messages/messages.service';
import { DailyBudgets } from '../rate-limit/daily-budgets.service';
import { UsersService } from '../users/users.service';

export interface ReportInput {
  messageId?: string;
  userId?: string;
  reason: ReportReason;
  note?: string;
}

/**
 * Users report a message they were part of, or a user; admins work the queue (docs/decisions.md,
 * "Reports and moderation"). Reporting the same thing again is the same report; REPORTS_PER_DAY
 * bounds how many a user files.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly reports: ReportRepository,
    private readonly messages: MessagesService,
    private readonly users: UsersService,
    private readonly budgets: DailyBudgets,
  ) {}

  @Throws('VALIDATION_FAILED', 'MESSAGE_NOT_FOUND', 'MEMBER_NOT_FOUND', 'CANNOT_ACT_ON_SELF', 'RATE_LIMITED')
  async file(reporterId: string, input: ReportInput): Promise<Report> {
    if (Boolean(input.messageId) === Boolean(input.userId)) {
      throw new AppError('VALIDATION_FAILED', 'Give exactly one of messageId or userId', [
        { field: 'messageId', errors: ['exactly one of messageId or userId is required'] },
      ]);
    }
    const report = input.messageId ? await this.aboutMessage(reporterId, input.messageId) : await this.aboutUser(reporterId, input.userId!);
    const existing = await this.reports.find(this.reports.idOf(reporterId, report.kind, report.messageId ?? report.userId));
    if (existing?.status === 'open') return existing;
    await this.budgets.spend('report', reporterId);
    return this.reports.file({ ...report, reason: input.reason, note: input.note?.trim() || null });
  }

  list(filter: { status: ReportStatus; limit: number; after?: string }): Promise<Report[]> {
    return this.reports.list(filter);
  }

  /** The reports the user filed (a data export). */
  filedBy(reporterId: string): Promise<Report[]> {
    return this.reports.filedBy(reporterId);
  }

  /** Message retention: reports keep no text of messages older than the cutoff. */
  forgetTextBefore(cutoff: Date): Promise<void> {
    return this.reports.forgetTextBefore(cutoff);
  }

  /** Erasure: reports by or about the user keep ids only (ReportRepository.forget). */
  forget(userId: string): Promise<void> {
    return this.reports.forget(userId);
  }

  /** An admin closes an open report with a resolution; closing a closed one is a conflict. */
  @Throws('REPORT_NOT_FOUND', 'REPORT_CLOSED')
  async close(reportId: string, adminId: string, resolution: string): Promise<Report> {
    if (!(await this.reports.close(reportId, adminId, resolution))) {
      throw new AppError((await this.reports.find(reportId)) ? 'REPORT_CLOSED' : 'REPORT_NOT_FOUND');
    }
    return (await this.reports.find(reportId))!;
  }

  /** A message the reporter received (their own they can delete); its text kept only for a text message. */
  private async aboutMessage(reporterId: string, messageId: string): Promise<Omit<NewReport, 'reason' | 'note'>> {
    const message = await this.messages.findForParticipant(messageId, reporterId);
    if (!message) throw new AppError('MESSAGE_NOT_FOUND');
    if (message.senderId === reporterId) throw new AppError('CANNOT_ACT_ON_SELF', 'You cannot report your own message: delete it instead');
    return {
      reporterId,
      kind: 'message',
      userId: message.senderId,
      messageId: message.id,
      // DRFI answers carry personal data: a report keeps their type, never their content.
      messageText: message.type === 'text' ? message.text : null,
      messageType: message.type,
    };
  }

  private async aboutUser(reporterId: string, userId: string): Promise<Omit<NewReport, 'reason' | 'note'>> {
    if (userId === reporterId) throw new AppError('CANNOT_ACT_ON_SELF', 'You cannot report yourself');
    if (!(await this.users.find(userId))) throw new AppError('MEMBER_NOT_FOUND');
    return { reporterId, kind: 'user', userId, messageId: null, messageText: null, messageType: null };
  }
}
