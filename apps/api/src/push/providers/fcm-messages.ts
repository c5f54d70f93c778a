import type { AndroidConfig, ApnsConfig, Message, WebpushConfig } from 'firebase-admin/messaging';
import type { PushContent } from '@app/dal';
import type { OutgoingPush } from './push-provider';

/** Settings the FCM messages take from configuration. */
export interface FcmMessageOptions {
  /** The Android notification channel message pushes are posted to (PUSH_ANDROID_CHANNEL_ID). */
  androidChannelId: string;
}

/**
 * One push as an FCM v1 message for its token's platform (every platform's fields for a token of
 * unknown platform). The seed's data payload travels as it is; a conversation's pushes share one
 * notification on the device (Android tag and collapse key, APNs collapse id and thread, web push
 * tag), and every alert carries the badge. A silent push (read on another device) is data only:
 * no alert, no sound, the badge for iOS, and what the app needs to clear the conversation's notification.
 */
export function fcmMessage({ token, platform, content }: OutgoingPush, options: FcmMessageOptions): Message {
  const blocks = content.silent ? silentBlocks(content) : alertBlocks(content, options);
  return {
    token,
    data: content.data,
    ...(content.silent ? {} : { notification: { title: content.title, body: content.body } }),
    ...(!platform || platform === 'android' ? { android: blocks.android } : {}),
    ...(!platform || platform === 'ios' ? { apns: blocks.apns } : {}),
    ...(!platform || platform === 'web' ? { webpush: blocks.webpush } : {}),
  };
}

interface PlatformBlocks {
  android: AndroidConfig;
  apns: ApnsConfig;
  webpush: WebpushConfig;
}

function alertBlocks(content: PushContent, options: FcmMessageOptions): PlatformBlocks {
  const thread = content.collapseId;
  const badge = content.badge;
  return {
    android: {
      priority: 'high',
      collapseKey: thread,
      notification: { channelId: options.androidChannelId, tag: thread, sound: 'default', ...(badge !== undefined ? { notificationCount: badge } : {}) },
    },
    apns: {
      headers: { 'apns-priority': '10', 'apns-push-type': 'alert', 'apns-collapse-id': thread },
      payload: { aps: { sound: 'default', threadId: thread, mutableContent: true, ...(badge !== undefined ? { badge } : {}) } },
    },
    webpush: {
      headers: { Urgency: 'high' },
      notification: { title: content.title, body: content.body, tag: thread, renotify: true },
      // Web push has no badge count: the web app reads it from its own data.
      data: { ...content.data, ...(badge !== undefined ? { badge: String(badge) } : {}) },
    },
  };
}

function silentBlocks(content: PushContent): PlatformBlocks {
  return {
    android: { priority: 'high', collapseKey: `read:${content.collapseId}` },
    apns: {
      headers: { 'apns-priority': '5', 'apns-push-type': 'background' },
      payload: { aps: { contentAvailable: true, ...(content.badge !== undefined ? { badge: content.badge } : {}) } },
    },
    webpush: { headers: { Urgency: 'normal' } },
  };
}
