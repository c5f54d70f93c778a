export const ADMIN_ROLE = 'admin';

/** Who is calling, from a verified access token. */
export interface AuthUser {
  userId: string;
  roles: string[];
  /** When the token expires (ms since the epoch), if it does: a socket is disconnected then. */
  expiresAt?: number;
  /** When the token was issued (`iat`, ms since the epoch), if it says: revocation compares it. */
  issuedAt?: number;
  /**
   * When the person last proved who they are (ms since the epoch): a provider token's `auth_time`,
   * else its `iat`; our own tokens' `iat` (minted at sign-in). Erasure asks for a recent one.
   */
  authenticatedAt?: number;
}
