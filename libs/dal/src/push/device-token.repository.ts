import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { derivedId, toObjectId } from '../shared/ids';
import { DeviceToken } from './device-token.entity';
import { OwnerRoster, OwnerRosterRecord } from '../shared/owner-roster';
import { DeviceTokenRecord, PushPlatform } from './device-token.schema';
import { LeanPushTargets, PushTarget, PushTargetsRecord } from './push-target.schema';

/** The model of `push_device_rosters` (an OwnerRoster: each user's token documents). */
export const DEVICE_ROSTER = 'PushDeviceRoster';

export type { DeviceToken, PushTarget };


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
    @InjectModel(PushTargetsRecord.name) private readonly targets: Model<PushTargetsRecord>,
  ) {
    this.rosters = new OwnerRoster(rosterModel, async (owner) =>
      (await this.model.find({ userId: owner }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>()).map((d) => d._id),
    );
  }

  /**
   * Registers a token for its owner; a token registered by another user moves to this one, active
   * again. The previous owner stops being pushed to it before the token changes hands.
   */
  async register(ownerId: string, token: string, platform: PushPlatform, deviceId: string | null): Promise<DeviceToken> {
    const _id = tokenId(token);
    const owner = toObjectId(ownerId);
    const previous = await this.model.findById(_id, { userId: 1 }).lean<LeanToken>();
    if (previous && !previous.userId.equals(owner)) await this.untarget([{ userId: previous.userId, _id }]);
    await this.model.updateOne(
      { _id },
      { $set: { token, userId: owner, platform, deviceId, active: true, deactivatedReason: null } },
      { upsert: true },
    );
    await this.rosters.add(owner, _id);
    await this.targets.updateOne({ _id: owner }, { $set: { [`t.${_id.toHexString()}`]: { token, platform } } }, { upsert: true });
    if (previous && !previous.userId.equals(owner)) await this.rosters.remove(previous.userId, _id);
    return toDeviceToken((await this.model.findById(_id).lean<LeanToken>())!);
  }

  /**
   * Whom pushes to these users reach: their active tokens, one read by `_id $in` (a user from
   * before `push_targets` is filled from their token documents once).
   */
  async targetsOf(ownerIds: string[]): Promise<Map<string, PushTarget[]>> {
    const owners = [...new Set(ownerIds)];
    const found = new Map<string, PushTarget[]>(owners.map((id) => [id, []]));
    if (owners.length === 0) return found;
    const docs = await this.targets.find({ _id: { $in: owners.map(toObjectId) } }).lean<LeanPushTargets[]>();
    const built = new Set<string>();
    for (const doc of docs) {
      if (!doc.built) continue;
      built.add(doc._id.toHexString());
      found.set(doc._id.toHexString(), Object.values(doc.t ?? {}));
    }
    for (const owner of owners.filter((id) => !built.has(id))) found.set(owner, await this.buildTargets(owner));
    return found;
  }

  private async buildTargets(ownerId: string): Promise<PushTarget[]> {
    const active = await this.listFor(ownerId, { activeOnly: true });
    const t = Object.fromEntries(active.map((d) => [tokenId(d.token).toHexString(), { token: d.token, platform: d.platform }]));
    // Tokens registered meanwhile set their own entries; the build only adds.
    await this.targets.updateOne(
      { _id: toObjectId(ownerId) },
      { $set: { built: true, ...Object.fromEntries(Object.entries(t).map(([key, target]) => [`t.${key}`, target])) } },
      { upsert: true },
    );
    return Object.values(t);
  }

  private async untarget(tokens: { userId: Types.ObjectId; _id: Types.ObjectId }[]): Promise<void> {
    if (tokens.length === 0) return;
    await this.targets.bulkWrite(tokens.map(({ userId, _id }) => ({ updateOne: { filter: { _id: userId }, update: { $unset: { [`t.${_id.toHexString()}`]: 1 } } } })));
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
    await this.untarget([{ userId: toObjectId(ownerId), _id: tokenId(token) }]);
    const removed = (await this.model.deleteOne({ _id: tokenId(token) })).deletedCount > 0;
    await this.rosters.remove(toObjectId(ownerId), tokenId(token));
    return removed;
  }

  /** Removes every token of the owner and their push targets (erasure). */
  async removeAllOf(ownerId: string): Promise<void> {
    const owner = toObjectId(ownerId);
    await this.model.deleteMany({ userId: owner });
    await this.targets.deleteOne({ _id: owner });
    await this.rosters.drop(owner);
  }

  /** Stops using tokens FCM refused (each with FCM's reason): one read and two writes for the lot. */
  async deactivate(refused: { token: string; reason: string }[]): Promise<void> {
    if (refused.length === 0) return;
    const ids = refused.map((r) => tokenId(r.token));
    const owners = await this.model.find({ _id: { $in: ids } }, { userId: 1 }).lean<LeanToken[]>();
    await this.untarget(owners.map((doc) => ({ userId: doc.userId, _id: doc._id })));
    await this.model.bulkWrite(refused.map((r, i) => ({ updateOne: { filter: { _id: ids[i] }, update: { $set: { active: false, deactivatedReason: r.reason } } } })));
  }
}
