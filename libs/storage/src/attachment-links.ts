import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkVariant = 'file' | 'thumbnail';

export interface SignedLink {
  url: string;
  expiresAt: Date;
}

export type LinkCheck = 'valid' | 'expired' | 'invalid';

/**
 * Short-lived signed URLs for an attachment's bytes: `/Chat/Attachments/{id}/{file|thumbnail}?expires=&signature=`.
 * The URL is the credential (an <img> or a download manager sends no token), so it is handed only
 * to the conversation's members and stops working at `expires`; the route still refuses a deleted
 * attachment's URL before then. The key is derived from the token secret, so every process agrees.
 */
export class AttachmentLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
    private readonly publicUrl = '',
  ) {
    this.key = createHmac('sha256', secret).update('attachment-links:v1').digest();
  }

  sign(attachmentId: string, variant: LinkVariant, now = Date.now()): SignedLink {
    // Rounded up: a link works for at least its TTL (rounding down cut up to a second off).
    const expires = Math.ceil(now / 1000) + this.ttlSeconds;
    const query = `expires=${expires}&signature=${this.signature(attachmentId, variant, expires)}`;
    return { url: `${this.publicUrl}/Chat/Attachments/${attachmentId}/${variant}?${query}`, expiresAt: new Date(expires * 1000) };
  }

  check(attachmentId: string, variant: LinkVariant, expires: number, signature: string, now = Date.now()): LinkCheck {
    const want = Buffer.from(this.signature(attachmentId, variant, expires));
    const got = Buffer.from(signature);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return 'invalid';
    return expires * 1000 <= now ? 'expired' : 'valid';
  }

  private signature(attachmentId: string, variant: LinkVariant, expires: number): string {
    return createHmac('sha256', this.key).update(`${attachmentId}\n${variant}\n${expires}`).digest('base64url');
  }
}
