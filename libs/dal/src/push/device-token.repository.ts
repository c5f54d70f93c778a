import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { derivedId, toObjectId } from '../shared/ids';
import { DeviceToken } from './device-token.entity';
import { DeviceTokenRecord, PushPlatform } from './device-token.schema';

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

@Injectable()
export class DeviceTokenRepository {
  constructor(@InjectModel(DeviceTokenRecord.name) private readonly model: Model<DeviceTokenRecord>) {}

  /** Registers a token for its owner; a token registered by another user moves to this one, active again. */
  async register(ownerId: string, token: string, platform: PushPlatform, deviceId: string | null): Promise<DeviceToken> {
    const _id = tokenId(token);
    await this.model.updateOne(
      { _id },
      { $set: { token, userId: toObjectId(ownerId), platform, deviceId, active: true, deactivatedReason: null } },
      { upsert: true },
    );
    return toDeviceToken((await this.model.findById(_id).lean<LeanToken>())!);
  }

  /** The owner's tokens (all, or only active ones). */
  async listFor(ownerId: string, options: { activeOnly: boolean }): Promise<DeviceToken[]> {
    const filter = { userId: toObjectId(ownerId), ...(options.activeOnly ? { active: true } : {}) };
    const docs = await this.model.find(filter).sort({ createdAt: 1 }).lean<LeanToken[]>();
    return docs.map(toDeviceToken);
  }

  async find(token: string): Promise<DeviceToken | undefined> {
    const doc = await this.model.findById(tokenId(token)).lean<LeanToken>();
    return doc ? toDeviceToken(doc) : undefined;
  }

  /** Removes the token if `ownerId` owns it; false otherwise (someone else's looks like none). */
  async removeOwned(ownerId: string, token: string): Promise<boolean> {
    const doc = await this.find(token);
    if (!doc || doc.userId !== ownerId) return false;
    return (await this.model.deleteOne({ _id: tokenId(token) })).deletedCount > 0;
  }

  /** Stops using a token FCM refused. */
  async deactivate(token: string, reason: string): Promise<void> {
    const _id = tokenId(token);
    await this.model.updateOne({ _id }, { $set: { active: false, deactivatedReason: reason } });
  }
}
