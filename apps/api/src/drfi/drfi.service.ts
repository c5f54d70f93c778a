import { Injectable } from '@nestjs/common';
import { AppError, Throws } from '@app/common';
import type { DrfiFieldValue, Message } from '@app/dal';
import { DrfiAuditRepository } from '@app/dal/drfi';
import { DrfiResolution, MessageStatusService } from '@app/status';
import { MessageDispatcher } from '../messages/message-dispatcher.service';
import { MessagesService } from '../messages/messages.service';
import { ChangeFeedService } from '../messages/change-feed.service';
import { freshness } from '../messages/freshness';
import { UsersService } from '../users/users.service';
import { VaultService } from '../vault/vault.service';
import { describeField, DRFI_RESPONSE_TEXT, drfiPushContent, drfiStatusStanza } from './drfi-content';

export interface SubmittedField {
  source: 'vaultCurrentValue' | 'newValue';
  path: string;
  value: string;
}

export interface DrfiOutcome {
  requestMessageId: string;
  responseMessageId: string;
  status: DrfiResolution;
}

const RESPONSE_TYPE = { accepted: 'drfiresponseaccepted', denied: 'drfiresponsedenied' } as const;

/**
 * Answering a DRFI request, exactly once, without transactions.
 *
 * The response message's `_id` is derived from the request (its uniqueid is `drfi-response:<id>`
 * from the receiver), so inserting it is the claim: of any number of racing accepts and denies,
 * exactly one inserts it and wins; every other gets 409. The winner then finishes, in this order,
 * each step idempotent: the vault (accepted `newValue` fields, applied at most once per response by
 * the vault's own write; then the response is marked `vaultApplied`), the request's status (the DRFI machine's sent -> accepted | denied), the audit
 * entry, the sockets. If the winner dies part-way, the next attempt on the request finishes the
 * stored response's steps (never its own) before answering 409.
 */
@Injectable()
export class DrfiService {
  constructor(
    private readonly messages: MessagesService,
    private readonly dispatcher: MessageDispatcher,
    private readonly users: UsersService,
    private readonly status: MessageStatusService,
    private readonly vault: VaultService,
    private readonly audit: DrfiAuditRepository,
    private readonly changes: ChangeFeedService,
  ) {}

  @Throws('VALIDATION_FAILED', 'MESSAGE_NOT_FOUND', 'NOT_A_DRFI_REQUEST', 'NOT_DRFI_RECEIVER', 'DRFI_ALREADY_RESOLVED')
  async accept(userId: string, messageId: string, fields: SubmittedField[]): Promise<DrfiOutcome> {
    const request = await this.requestFor(userId, messageId);
    this.vault.checkSubmitted(fields);
    const described: DrfiFieldValue[] = fields.map((f) => ({ ...describeField(f.path), value: f.value, source: f.source }));
    return this.resolve(request, 'accepted', described);
  }

  @Throws('MESSAGE_NOT_FOUND', 'NOT_A_DRFI_REQUEST', 'NOT_DRFI_RECEIVER', 'DRFI_ALREADY_RESOLVED')
  async deny(userId: string, messageId: string): Promise<DrfiOutcome> {
    return this.resolve(await this.requestFor(userId, messageId), 'denied', []);
  }

  /** The DRFI request `messageId` that `userId` may answer: 404 if not theirs to see, 400 if no request, 403 if they sent it. */
  private async requestFor(userId: string, messageId: string): Promise<Message> {
    const message = await this.messages.findForParticipant(messageId, userId);
    // A request deleted for everyone (its sender's erasure too) is no longer anyone's to answer.
    if (!message || (message.deletedAt && message.type === 'drfi' && message.drfi?.status === 'sent')) throw new AppError('MESSAGE_NOT_FOUND');
    if (message.type !== 'drfi') throw new AppError('NOT_A_DRFI_REQUEST');
    if (message.receiverId !== userId) throw new AppError('NOT_DRFI_RECEIVER');
    return message;
  }

  private async resolve(request: Message, resolution: DrfiResolution, fields: DrfiFieldValue[]): Promise<DrfiOutcome> {
    const inserted = await this.dispatcher.store({
      conversationId: request.conversationId,
      senderId: request.receiverId,
      receiverId: request.senderId,
      uniqueId: `drfi-response:${request.id}`,
      type: RESPONSE_TYPE[resolution],
      text: DRFI_RESPONSE_TEXT,
      drfi: { requestMessageId: request.id, ...(resolution === 'accepted' ? { fields, vaultApplied: false } : {}) },
    });
    await this.finish(request, inserted.message);
    if (!inserted.created) throw new AppError('DRFI_ALREADY_RESOLVED');
    return { requestMessageId: request.id, responseMessageId: inserted.message.id, status: resolution };
  }

  /** The winner's remaining steps, from the stored response (safe to run again). */
  private async finish(request: Message, response: Message): Promise<void> {
    const resolution: DrfiResolution = response.type === 'drfiresponseaccepted' ? 'accepted' : 'denied';
    const fields = response.drfi?.fields ?? [];
    const updated = fields.filter((f) => f.source === 'newValue');
    if (resolution === 'accepted' && response.drfi?.vaultApplied === false) {
      await this.vault.applyAccepted(request.receiverId, response.id, updated.map((f) => ({ path: f.path, value: f.value })));
      await this.messages.markVaultApplied(response.id);
    }
    const resolved = await this.status.resolveDrfi(request, request.receiverId, resolution, response.id);
    await this.audit.record({
      requestMessageId: request.id,
      event: resolution,
      actorId: request.receiverId,
      counterpartId: request.senderId,
      paths: fields.map((f) => f.path),
      vaultUpdatedPaths: updated.map((f) => f.path),
    });
    // Fresh if this call resolved the request: nothing of the answer was announced before. Resolved
    // by an attempt that died part-way, the changes are added only where they are missing.
    const fresh = freshness(resolved !== undefined);
    const responder = await this.users.find(response.senderId);
    // Both parties' sockets: the response as `im`, then the request's new status; then the push.
    const reachedRequester = responder ? await this.dispatcher.announce(response, responder, fresh) : false;
    await this.changes.announce('drfi', `r:${request.id}`, [request.senderId, request.receiverId], drfiStatusStanza(resolved ?? request), fresh);
    if (responder && reachedRequester) await this.dispatcher.pushNew(response, responder, { push: 'ifOffline', pushContent: drfiPushContent });
  }
}
