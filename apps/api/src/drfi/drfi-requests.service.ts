import { Injectable } from '@nestjs/common';
import type { Message, User } from '@app/dal';
import { DrfiAuditRepository } from '@app/dal/drfi';
import { DispatchedMessage, MessageDispatcher } from '../messages/message-dispatcher.service';
import type { MessageResponseDto } from '../messages/dto/message.response.dto';
import type { PushMode } from '../push/push.service';
import { UserDataField, VaultService } from '../vault/vault.service';
import { describeField, DRFI_REQUEST_TEXT, drfiPushContent, drfiView } from './drfi-content';

export interface NewDrfiRequest {
  sender: User;
  conversationId: string;
  receiverId: string;
  paths: string[];
  uniqueId: string;
}

/**
 * DRFI requests: checking the paths, sending one (as a chat message with the fixed text, audited),
 * and what each party sees of one. Chat hands every `type: "drfi"` Add here.
 */
@Injectable()
export class DrfiRequestsService {
  constructor(
    private readonly dispatcher: MessageDispatcher,
    private readonly vault: VaultService,
    private readonly audit: DrfiAuditRepository,
  ) {}

  /** Known vault paths, no duplicates, 1 to MAX_DRFI_PATHS (checked before anything is read). */
  checkPaths(paths: string[] | undefined): string[] {
    return this.vault.checkRequestPaths(paths);
  }

  /**
   * Sends a request whose paths passed checkPaths; a resend with the same uniqueid gets the
   * original. Its audit entry is written before anyone is told (once: the entry's id derives from
   * the request), then the request is published.
   */
  async send(request: NewDrfiRequest, push: PushMode): Promise<DispatchedMessage> {
    const written = await this.dispatcher.store({
      conversationId: request.conversationId,
      senderId: request.sender.id,
      receiverId: request.receiverId,
      uniqueId: request.uniqueId,
      type: 'drfi',
      text: DRFI_REQUEST_TEXT,
      drfi: { paths: request.paths, status: 'sent', responseMessageId: null },
    });
    // The uniqueid names a message of another conversation: not a resend of this request (the caller refuses it).
    if (!written.created && written.message.conversationId !== request.conversationId) return { ...written, reachedReceiver: false };
    await this.audit.record({
      requestMessageId: written.message.id,
      event: 'requested',
      actorId: request.sender.id,
      counterpartId: request.receiverId,
      paths: request.paths,
      vaultUpdatedPaths: [],
    });
    return this.dispatcher.publish(written, request.sender, { push, pushContent: drfiPushContent });
  }

  /**
   * What `viewerId` sees of the DRFI messages among `messages` (by message id). With `hints`, a
   * request's `drfiFields`: its receiver gets the values of their own vault as a hint, its sender
   * the fields without any value (never the receiver's vault before acceptance).
   */
  async displayFor(viewerId: string, messages: Message[], options: { hints: boolean }): Promise<Map<string, Partial<MessageResponseDto>>> {
    const display = new Map<string, Partial<MessageResponseDto>>();
    const special = messages.filter((m) => m.drfi);
    if (special.length === 0) return display;
    const hints = options.hints ? await this.hints(viewerId, special) : new Map<string, UserDataField[]>();
    for (const message of special) display.set(message.id, drfiView(message, hints.get(message.id)));
    return display;
  }

  private async hints(viewerId: string, messages: Message[]): Promise<Map<string, UserDataField[]>> {
    const requests = messages.filter((m) => m.type === 'drfi' && m.drfi?.paths);
    const hints = new Map<string, UserDataField[]>();
    if (requests.length === 0) return hints;
    const mine = requests.some((m) => m.receiverId === viewerId) ? await this.vault.valuesOf(viewerId, undefined) : [];
    const values = new Map(mine.map((f) => [f.path, f.value]));
    for (const request of requests) {
      const asReceiver = request.receiverId === viewerId;
      hints.set(
        request.id,
        request.drfi!.paths!.map((path) => ({
          ...describeField(path),
          value: asReceiver ? (values.get(path) ?? null) : null,
          ...(asReceiver ? { source: 'vaultCurrentValue' as const } : {}),
        })),
      );
    }
    return hints;
  }
}
