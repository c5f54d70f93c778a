import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';

export const FCM_PROJECT = 'chat-test';

/** A service account with a real RSA key, so firebase-admin signs a real JWT for the token exchange. */
export function testServiceAccountJson(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return JSON.stringify({
    type: 'service_account',
    project_id: FCM_PROJECT,
    private_key_id: 'test-key',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `push@${FCM_PROJECT}.iam.gserviceaccount.com`,
    client_id: '1',
    token_uri: 'https://oauth2.googleapis.com/token',
  });
}

export interface FcmRequest {
  token: string;
  message: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

type Behaviour = 'ok' | 'unregistered' | 'unavailable-once' | 'internal-once' | 'hang';

const fcmError = (status: number, code: string, errorCode: string) => ({
  error: { code: status, message: code, status: code, details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] },
});

/**
 * Google's side of the wire, at the network edge: the OAuth token endpoint and the FCM v1 send
 * endpoint, intercepted in this process (firebase-admin itself runs unchanged). What a token gets
 * is set per token; every FCM request is recorded.
 */
export class FcmStub {
  readonly requests: FcmRequest[] = [];
  tokenExchanges = 0;
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly failedOnce = new Set<string>();
  private sequence = 0;
  private readonly hanging: (() => void)[] = [];

  install(): void {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    nock('https://oauth2.googleapis.com')
      .persist()
      .post('/token')
      .reply(() => {
        this.tokenExchanges++;
        return [200, { access_token: 'ya29.test-access-token', expires_in: 3600, token_type: 'Bearer' }];
      });
    nock('https://fcm.googleapis.com')
      .persist()
      .post(`/v1/projects/${FCM_PROJECT}/messages:send`)
      // nock 15 hands the reply function the request as a fetch Request.
      .reply(async (request: Request) => this.answer((await request.json()) as { message: FcmRequest['message'] }));
  }

  uninstall(): void {
    this.hanging.splice(0).forEach((answer) => answer());
    nock.cleanAll();
    nock.enableNetConnect();
  }

  on(token: string, behaviour: Behaviour): void {
    this.behaviours.set(token, behaviour);
  }

  sentTo(token: string): FcmRequest[] {
    return this.requests.filter((r) => r.token === token);
  }

  private answer(body: { message: FcmRequest['message'] }): [number, object] | Promise<[number, object]> {
    const token = body.message.token as string;
    this.requests.push({ token, message: body.message });
    const behaviour = this.behaviours.get(token) ?? 'ok';
    const once = (status: number, code: string, errorCode: string): [number, object] => {
      if (this.failedOnce.has(token)) return this.ok();
      this.failedOnce.add(token);
      return [status, fcmError(status, code, errorCode)];
    };
    switch (behaviour) {
      case 'unregistered':
        return [404, fcmError(404, 'NOT_FOUND', 'UNREGISTERED')];
      case 'unavailable-once':
        return once(503, 'UNAVAILABLE', 'UNAVAILABLE');
      case 'internal-once':
        return once(500, 'INTERNAL', 'INTERNAL');
      case 'hang':
        // No answer until the test is over (uninstall): the server stops waiting long before.
        return new Promise((resolve) => this.hanging.push(() => resolve(this.ok())));
      default:
        return this.ok();
    }
  }

  private ok(): [number, object] {
    return [200, { name: `projects/${FCM_PROJECT}/messages/m-${++this.sequence}` }];
  }
}
