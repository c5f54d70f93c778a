import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { conditionalUpdate } from '../shared/conditional-update';
import { derivedId, isDuplicateKeyError, toObjectId } from '../shared/ids';
import { OwnerRoster, OwnerRosterRecord } from '../shared/owner-roster';
import { Invitation } from './network.entity';
import { InvitationRecord, InvitationStatus } from './invitation.schema';

/** The model of `invitation_rosters`: each inviter's sent invitations and each inbox's received ones. */
export const INVITATION_ROSTER = 'InvitationRoster';

type LeanInvitation = InvitationRecord & { _id: Types.ObjectId };

/** The inbox of whoever holds (or will hold) a cell number. */
export const phoneInbox = (phone: string): string => `phone:${phone}`;
/** The inbox of an account id that names no one (an invitation to it is never delivered). */
export const accountInbox = (accountId: string): string => `account:${accountId}`;

/**
 * Invitations and their rosters. The invitation is the truth; the rosters (one document per inviter
 * and per inbox, read by `_id`) are what listings read. The collection was born with its rosters,
 * so a roster is never built from a query; a crash between the two writes leaves a roster short,
 * which sending the invitation again (idempotent) mends.
 */
@Injectable()
export class InvitationRepository {
  private readonly rosters: OwnerRoster;

  constructor(
    @InjectModel(InvitationRecord.name) private readonly model: Model<InvitationRecord>,
    @InjectModel(INVITATION_ROSTER) rosterModel: Model<OwnerRosterRecord>,
  ) {
    this.rosters = new OwnerRoster(rosterModel);
  }

  /** The id the inviter's invitation to this inbox has (whether or not it exists yet). */
  idOf(inviterId: string, inbox: string): string {
    return derivedId(`invitation:${inviterId}:${inbox}`).toHexString();
  }

  async find(id: string): Promise<Invitation | undefined> {
    const doc = await this.model.findById(toObjectId(id)).lean<LeanInvitation>();
    return doc ? toInvitation(doc) : undefined;
  }

  /**
   * Sends the inviter's invitation to the inbox as `status`: `pending` (delivered to the inbox) or
   * `declined` (kept, never delivered: the inbox's holder blocked the inviter). A pending or
   * declined invitation stays as it is (inviting again neither re-notifies nor reveals a decline);
   * an accepted (the pair was since unlinked) or withdrawn one is sent anew.
   */
  async send(inviterId: string, inbox: string, to: { phone?: string; accountId?: string }, status: 'pending' | 'declined'): Promise<Invitation> {
    const _id = toObjectId(this.idOf(inviterId, inbox));
    const fresh = { status, answeredBy: null, answeredAt: null, sentAt: new Date() };
    let doc = await this.model.findById(_id).lean<LeanInvitation>();
    if (!doc) {
      try {
        await this.model.create({ _id, inviterId: toObjectId(inviterId), inbox, toPhone: to.phone ?? null, toAccountId: to.accountId ?? null, ...fresh });
      } catch (err) {
        // A concurrent send of the same invitation inserted first: it is sent.
        if (!isDuplicateKeyError(err)) throw err;
      }
    } else if (doc.status === 'accepted' || doc.status === 'withdrawn') {
      await conditionalUpdate(this.model, _id, { status: doc.status }, { $set: fresh });
    }
    doc = (await this.model.findById(_id).lean<LeanInvitation>())!;
    await this.rosters.add(sentRoster(inviterId), _id);
    if (doc.status === 'pending') await this.rosters.add(inboxRoster(inbox), _id);
    return toInvitation(doc);
  }

  /**
   * Moves a pending invitation to `accepted` or `declined` (by its inbox's holder) or `withdrawn` (by
   * its inviter; a declined one too). Returns it as it was before, or undefined when it was not in
   * a state that allows this (someone answered first).
   */
  async answer(id: string, status: 'accepted' | 'declined' | 'withdrawn', by: string): Promise<Invitation | undefined> {
    const _id = toObjectId(id);
    const from: InvitationStatus[] = status === 'withdrawn' ? ['pending', 'declined'] : ['pending'];
    const before = await conditionalUpdate<InvitationRecord, LeanInvitation>(
      this.model,
      _id,
      { status: { $in: from } },
      { $set: { status, answeredBy: toObjectId(by), answeredAt: new Date() } },
    );
    if (!before) return undefined;
    await this.rosters.remove(inboxRoster(before.inbox), _id);
    if (status !== 'declined') await this.rosters.remove(sentRoster(before.inviterId.toHexString()), _id);
    return toInvitation(before);
  }

  /** The pending invitations delivered to an inbox, oldest first. */
  async received(inbox: string): Promise<Invitation[]> {
    return (await this.listed(inboxRoster(inbox))).filter((i) => i.status === 'pending' && i.inbox === inbox);
  }

  /** The inviter's invitations not yet accepted or withdrawn, oldest first. */
  async sent(inviterId: string): Promise<Invitation[]> {
    return (await this.listed(sentRoster(inviterId))).filter((i) => (i.status === 'pending' || i.status === 'declined') && i.inviterId === inviterId);
  }

  /**
   * Removes every invitation the user sent and every one sent to their inboxes (erasure: they hold
   * who they asked and their number), with the rosters that listed them.
   */
  async removeAllOf(userId: string, inboxes: string[]): Promise<number> {
    const sent = await this.model.find({ inviterId: toObjectId(userId) }, { _id: 1, inbox: 1 }).lean<LeanInvitation[]>();
    const received = inboxes.length ? await this.model.find({ inbox: { $in: inboxes } }, { _id: 1, inviterId: 1, inbox: 1 }).lean<LeanInvitation[]>() : [];
    for (const doc of [...sent, ...received]) {
      await this.model.deleteOne({ _id: doc._id });
      await this.rosters.remove(inboxRoster(doc.inbox), doc._id);
      if (doc.inviterId) await this.rosters.remove(sentRoster(doc.inviterId.toHexString()), doc._id);
    }
    await this.rosters.drop(sentRoster(userId));
    for (const inbox of inboxes) await this.rosters.drop(inboxRoster(inbox));
    return sent.length + received.length;
  }

  private async listed(roster: Types.ObjectId): Promise<Invitation[]> {
    return (await this.rosters.documents(roster, this.model)).map(toInvitation);
  }
}

const sentRoster = (inviterId: string): Types.ObjectId => derivedId(`invitations-sent:${inviterId}`);
const inboxRoster = (inbox: string): Types.ObjectId => derivedId(`invitations-inbox:${inbox}`);

function toInvitation(d: LeanInvitation): Invitation {
  return {
    id: d._id.toHexString(),
    inviterId: d.inviterId.toHexString(),
    inbox: d.inbox,
    toPhone: d.toPhone,
    toAccountId: d.toAccountId,
    status: d.status,
    answeredBy: d.answeredBy?.toHexString() ?? null,
    sentAt: d.sentAt,
    answeredAt: d.answeredAt,
  };
}
