import type { PushPlatform } from './device-token.schema';

export interface DeviceToken {
  token: string;
  userId: string;
  platform: PushPlatform;
  deviceId: string | null;
  active: boolean;
  deactivatedReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}
