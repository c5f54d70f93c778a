import { Injectable } from '@nestjs/common';
import { toObjectId } from '../shared/ids';
import { Change, CountedMessageWrites, MessagePatch } from './counted-writes';
import { DeliveryStatus, Message } from './message.entity';

/**
 * The only writes of a message's delivery and DRFI status. Exported through `@app/dal/message-status`,
 * which only `libs/status` may import (dependency-cruiser rule `only-status-writes-status`).
 */
@Injectable()
export class MessageStatusRepository {
  constructor(private readonly writes: CountedMessageWrites) {}

  /**
   * Moves the delivery status of a message the receiver owns, only from one of `from` (the state
   * machine decides which). Returns the change, or undefined when the condition did not hold
   * (already there or beyond, or not this receiver's message).
   */
  changeStatus(messageId: string, receiverId: string, from: DeliveryStatus[], to: DeliveryStatus): Promise<Change | undefined> {
    const now = new Date();
    const patch: MessagePatch = { deliveryStatus: to, changedAt: now };
    if (to === 'delivered') patch.deliveredAt = now;
    if (to === 'seen') patch.seenAt = now;
    const receiver = toObjectId(receiverId);
    return this.writes.countedChange(
      messageId,
      { receiverId: receiver, deliveryStatus: { $in: from } },
      patch,
      { countsMayChange: to === 'seen' || from.includes('seen') },
    );
  }

  /**
   * Resolves a DRFI request once: only from `sent`, only by its receiver (the DRFI machine's
   * condition). Counts do not change. Returns the change, or undefined if the condition did not hold.
   */
  resolveDrfi(requestId: string, receiverId: string, status: 'accepted' | 'denied', responseMessageId: string): Promise<Change | undefined> {
    const receiver = toObjectId(receiverId);
    const now = new Date();
    return this.writes.uncountedChange(
      requestId,
      { receiverId: receiver, type: 'drfi', 'drfi.status': 'sent' },
      { $set: { 'drfi.status': status, 'drfi.responseMessageId': responseMessageId, changedAt: now } },
      (before): Message => ({ ...before, drfi: { ...before.drfi, status, responseMessageId }, changedAt: now }),
    );
  }
}
