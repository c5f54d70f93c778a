export interface User {
  id: string;
  accountId: string;
  name: string;
  phone: string;
  avatar: string | null;
  createdAt: Date;
  /** Erased: a stub named ERASED_USER_NAME that stands for them in others' conversations; nobody to find or send to. */
  erased: boolean;
}

/** What an erased user is called wherever others still see their place (their messages' tombstones). */
export const ERASED_USER_NAME = 'Deleted user';

/** Erased users' stubs hold numbers with this prefix: reserved by the ITU, never assigned, so no real number collides. */
export const ERASED_PHONE_PREFIX = '+999';

export interface NewUser {
  accountId: string;
  name: string;
  phone: string;
  avatar?: string | null;
}

/** What decides whether a user's token is accepted (read on every authenticated request). */
export interface UserStanding {
  sessionsValidFrom: Date | null;
  suspendedAt: Date | null;
}
