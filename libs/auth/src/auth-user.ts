export const ADMIN_ROLE = 'admin';

/** Who is calling, from a verified access token. */
export interface AuthUser {
  userId: string;
  roles: string[];
  /** When the token expires (ms since the epoch), if it does: a socket is disconnected then. */
  expiresAt?: number;
  /** When the token was issued (`iat`, ms since the epoch), if it says: revocation compares it. */
  issuedAt?: number;
}
