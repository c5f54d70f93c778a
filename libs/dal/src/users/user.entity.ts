export interface User {
  id: string;
  accountId: string;
  name: string;
  phone: string;
  avatar: string | null;
  createdAt: Date;
}

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
