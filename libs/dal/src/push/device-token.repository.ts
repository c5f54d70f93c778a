import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { derivedId, toObjectId } from '../shared/ids';
import { DeviceToken } from './device-token.entity';
import { OwnerRoster, OwnerRosterRecord } from '../shared/owner-roster';
import { DeviceTokenRecord, PushPlatform } from './device-token.schema';

/** The model of `push_device_rosters` (an OwnerRoster: each user's token documents). */
export const DEVICE_ROSTER = 'PushDeviceRoster';

export type { DeviceToken };


type LeanToken = DeviceTokenRecord & { _id: Types.ObjectId };

const tokenId = (token: string) => derivedId(`device-token:${token}`);

function toDeviceToken(doc: LeanToken): DeviceToken {
  return {
    token: doc.token,
    userId: doc.userId.toHexString(),
    platform: doc.platform,
    deviceId: doc.deviceId ?? null,
    active: doc.active,
    deactivatedReason: doc.deactivatedReason ?? null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/**
 * Device tokens (one document per token, at an `_id` derived from it) and each user's roster of
 * them (one document per user, what a push reads). A token is written, then listed in its owner's
 * roster; a crash between leaves the roster short, which registering the token again mends.
 */
@Injectable()
export class DeviceTokenRepository {
  private readonly rosters: OwnerRoster;

  constructor(
    @InjectModel(DeviceTokenRecord.name) private readonly model: Model<DeviceTokenRecord>,
    @InjectModel(DEVICE_ROSTER) rosterModel: Model<OwnerRosterRecord>,
  ) {
    this.rosters = new OwnerRoster(rosterModel, async (owner) =>
      (await this.model.find({ userId: owner }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>()).map((d) => d._id),
    );
  }

  /** Registers a token for its owner; a token registered by another user moves to this one, active again. */
  async register(ownerId: string, token: string, platform: PushPlatform, deviceId: string | null): Promise<DeviceToken> {
    const _id = tokenId(token);
    const before = await this.model.findOneAndUpdate(
      { _id },
      { $set: { token, userId: toObjectId(ownerId), platform, deviceId, active: true, deactivatedReason: null } },
      { upsert: true, returnDocument: 'before' },
    ).lean<LeanToken>();
    await this.rosters.add(toObjectId(ownerId), _id);
    if (before && !before.userId.equals(toObjectId(ownerId))) await this.rosters.remove(before.userId, _id);
    return toDeviceToken((await this.model.findById(_id).lean<LeanToken>())!);
  }

  /** The owner's tokens (all, or only active ones), oldest first: the roster, then its tokens by `_id`. */
  async listFor(ownerId: string, options: { activeOnly: boolean }): Promise<DeviceToken[]> {
    const owner = toObjectId(ownerId);
    return (await this.rosters.documents(owner, this.model))
      .filter((doc) => doc.userId.equals(owner) && (!options.activeOnly || doc.active))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map(toDeviceToken);
  }

  async find(token: string): Promise<DeviceToken | undefined> {
    const doc = await this.model.findById(tokenId(token)).lean<LeanToken>();
    return doc ? toDeviceToken(doc) : undefined;
  }

  /** Removes the token if `ownerId` owns it; false otherwise (someone else's looks like none). */
  async removeOwned(ownerId: string, token: string): Promise<boolean> {
    const doc = await this.find(token);
    if (!doc || doc.userId !== ownerId) return false;
    const removed = (await this.model.deleteOne({ _id: tokenId(token) })).deletedCount > 0;
    await this.rosters.remove(toObjectId(ownerId), tokenId(token));
    return removed;
  }

  /** Stops using a token FCM refused. */
  async deactivate(token: string, reason: string): Promise<void> {
    const _id = tokenId(token);
    await this.model.updateOne({ _id }, { $set: { active: false, deactivatedReason: reason } });
  }
}
