export const ADMIN_ROLE = 'admin';

/** Who is calling, from a verified access token. */
export interface AuthUser {
  userId: string;
  roles: string[];
}
