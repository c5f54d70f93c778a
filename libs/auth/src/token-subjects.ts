/**
 * Who a token may name: the users that exist. Implemented by the application's users domain and
 * handed to AuthModule, so a token for a user id nobody has is refused at the door (HTTP guard and
 * socket handshake alike) instead of creating data for nobody.
 */
export abstract class TokenSubjects {
  abstract exists(userId: string): Promise<boolean>;
  /** The id of the user with this accountId (an identity provider's tokens name users so), if any. */
  abstract userIdForAccount(accountId: string): Promise<string | undefined>;
}
