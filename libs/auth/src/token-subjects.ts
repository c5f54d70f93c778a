/**
 * Who a token may name: the users that exist. Implemented by the application's users domain and
 * handed to AuthModule, so a token for a user id nobody has is refused at the door (HTTP guard and
 * socket handshake alike) instead of creating data for nobody.
 */
export interface SubjectStanding {
  /** Tokens issued before this (ms since the epoch) are refused: their sessions were revoked. */
  sessionsValidFrom: number | null;
  suspended: boolean;
}

export abstract class TokenSubjects {
  /** Whether the user exists, and what limits their tokens; undefined: no such user. */
  abstract standing(userId: string): Promise<SubjectStanding | undefined>;
  /** The id of the user with this accountId (an identity provider's tokens name users so), if any. */
  abstract userIdForAccount(accountId: string): Promise<string | undefined>;
}
