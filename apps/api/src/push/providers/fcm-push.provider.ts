import { randomUUID } from 'node:crypto';
import { App, applicationDefault, cert, deleteApp, initializeApp, ServiceAccount } from 'firebase-admin/app';
import { getMessaging, Messaging } from 'firebase-admin/messaging';
import { fcmMessage, FcmMessageOptions } from './fcm-messages';
import { OutgoingPush, PushProvider, TokenResult } from './push-provider';

/** FCM errors that mean the token will never work again. */
const TOKEN_GONE = new Set(['messaging/registration-token-not-registered', 'messaging/invalid-registration-token', 'messaging/invalid-argument']);
/** FCM errors worth retrying later. */
const TRANSIENT = new Set([
  'messaging/unavailable',
  'messaging/internal-error',
  'messaging/server-unavailable',
  'messaging/message-rate-exceeded',
  'messaging/device-message-rate-exceeded',
  'messaging/quota-exceeded',
  'messaging/unknown-error',
  'app/network-timeout',
  'app/network-error',
]);

export interface FcmOptions extends FcmMessageOptions {
  /** A service-account JSON (FIREBASE_SERVICE_ACCOUNT_JSON); else GOOGLE_APPLICATION_CREDENTIALS is used. */
  serviceAccountJson?: string;
  /** HTTP/1.1 instead of HTTP/2 (PUSH_FCM_HTTP1): for proxies that do not speak HTTP/2. */
  http1?: boolean;
}

/** Sends through firebase-admin's FCM v1 client: one sendEach call (one HTTP/2 connection) per batch of up to 500. */
export class FcmPushProvider implements PushProvider {
  readonly name = 'fcm' as const;
  private readonly app: App;
  private readonly messaging: Messaging;

  constructor(private readonly options: FcmOptions) {
    const credential = options.serviceAccountJson ? cert(JSON.parse(options.serviceAccountJson) as ServiceAccount) : applicationDefault();
    const projectId = options.serviceAccountJson ? (JSON.parse(options.serviceAccountJson) as { project_id?: string }).project_id : undefined;
    this.app = initializeApp({ credential, ...(projectId ? { projectId } : {}) }, `chat-push-${randomUUID()}`);
    this.messaging = getMessaging(this.app);
    if (options.http1) this.messaging.enableLegacyHttpTransport();
  }

  async send(pushes: OutgoingPush[]): Promise<TokenResult[]> {
    const batch = await this.messaging.sendEach(pushes.map((push) => fcmMessage(push, this.options)));
    return batch.responses.map((response, i) => {
      const token = pushes[i].token;
      if (response.success) return { token, messageId: response.messageId };
      const code = response.error?.code ?? 'messaging/unknown-error';
      return { token, error: code, transient: TRANSIENT.has(code), tokenGone: TOKEN_GONE.has(code) };
    });
  }

  async close(): Promise<void> {
    await deleteApp(this.app);
  }
}
