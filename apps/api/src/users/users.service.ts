import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SubjectStanding, TokenSubjects } from '@app/auth';
import { AppError, Throws, toAppError } from '@app/common';
import { ERASED_PHONE_PREFIX, isDuplicateKeyError, isObjectIdHex, User } from '@app/dal';
import { UserRepository } from '@app/dal/users';
import { RealtimeNotifier } from '../realtime/realtime-notifier.service';

export interface NewUserInput {
  name: string;
  phone: string;
  avatar?: string | null;
}

const present = (user: User | undefined): User | undefined => (user?.erased ? undefined : user);

/** Users remembered per process (accountId -> id; the last standing read). */
const KNOWN_ACCOUNTS_BOUND = 100_000;

@Injectable()
export class UsersService implements TokenSubjects {
  /** accountId -> user id, as identity provider tokens are verified (an accountId never changes). */
  private readonly accounts = new Map<string, string>();
  /** The standing last read per user: what the token check trusts while the database is away. */
  private readonly lastStandings = new Map<string, SubjectStanding>();

  constructor(
    private readonly users: UserRepository,
    private readonly realtime: RealtimeNotifier,
  ) {}

  /**
   * Whether the user exists, is suspended, and since when their tokens count (every authenticated
   * request asks: one read by `_id`, so an admin's revocation holds on every process at once).
   */
  async standing(userId: string): Promise<SubjectStanding | undefined> {
    let standing;
    try {
      standing = await this.users.standing(userId);
    } catch (err) {
      // The database is away: the standing this process last read holds (a user who was let in
      // may reconnect during an outage, as before it), a user it never read is refused (503).
      const known = this.lastStandings.get(userId);
      if (known && toAppError(err).code === 'DATABASE_UNAVAILABLE') return known;
      throw err;
    }
    if (!standing) return undefined;
    const result = { sessionsValidFrom: standing.sessionsValidFrom?.getTime() ?? null, suspended: standing.suspendedAt !== null };
    if (this.lastStandings.size >= KNOWN_ACCOUNTS_BOUND) this.lastStandings.clear();
    this.lastStandings.set(userId, result);
    return result;
  }

  /**
   * Ends every session of the user: tokens issued before now are refused from now on, and their
   * sockets, on every process, are disconnected (a client reconnects only with a newer token).
   * Returns the moment: a token counts again if issued at or after it (`iat` is in whole seconds).
   */
  @Throws('MEMBER_NOT_FOUND')
  async revokeSessions(userId: string): Promise<Date> {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000);
    if (!(await this.users.revokeSessionsBefore(userId, at))) throw new AppError('MEMBER_NOT_FOUND');
    this.realtime.disconnectUser(userId);
    return at;
  }

  /** Suspends the user (every token refused, their sockets disconnected) or restores them. */
  @Throws('MEMBER_NOT_FOUND')
  async setSuspended(userId: string, suspended: boolean): Promise<void> {
    if (!(await this.users.setSuspended(userId, suspended ? new Date() : null))) throw new AppError('MEMBER_NOT_FOUND');
    if (suspended) this.realtime.disconnectUser(userId);
  }

  /**
   * Erases the user's profile (the stub that stays: UserRepository.erase), refuses every token of
   * theirs and disconnects their sockets on every process. The rest of their data is each
   * domain's (the privacy module's erasure walks them). False: no such user.
   */
  async erase(userId: string): Promise<boolean> {
    const erased = await this.users.erase(userId, new Date());
    for (const [accountId, id] of this.accounts) if (id === userId) this.accounts.delete(accountId);
    this.lastStandings.delete(userId);
    this.realtime.disconnectUser(userId);
    return erased;
  }

  /** The user an identity provider's token names by accountId: one read per accountId and process. */
  async userIdForAccount(accountId: string): Promise<string | undefined> {
    const cached = this.accounts.get(accountId);
    if (cached) return cached;
    const user = await this.findByAccountId(accountId);
    if (!user) return undefined;
    if (this.accounts.size >= KNOWN_ACCOUNTS_BOUND) this.accounts.clear();
    this.accounts.set(accountId, user.id);
    return user.id;
  }

  @Throws('PHONE_TAKEN', 'VALIDATION_FAILED')
  async create(input: NewUserInput): Promise<User> {
    if (input.phone.startsWith(ERASED_PHONE_PREFIX)) {
      // ITU-reserved numbers: erased users' stubs hold them (UserRepository.erase).
      throw new AppError('VALIDATION_FAILED', 'Validation failed: phone must be an assignable number', [{ field: 'phone', errors: ['+999 numbers are reserved'] }]);
    }
    try {
      return await this.users.create({ ...input, accountId: randomUUID() });
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('PHONE_TAKEN');
      throw err;
    }
  }

  /** One page in creation order, with the cursor of the next page (null on the last). */
  async list(page: { limit: number; after?: string }): Promise<{ users: User[]; nextAfter: string | null }> {
    const users = await this.users.list({ limit: page.limit + 1, after: page.after });
    const more = users.length > page.limit;
    const pageUsers = more ? users.slice(0, page.limit) : users;
    return { users: pageUsers, nextAfter: more ? pageUsers[pageUsers.length - 1].id : null };
  }

  /** The caller's own user (their token may outlive it). */
  async me(userId: string): Promise<User> {
    const me = await this.users.findById(userId);
    if (!me) throw new AppError('USER_NOT_FOUND', 'Your user no longer exists');
    return me;
  }

  find(id: string): Promise<User | undefined> {
    return this.users.findById(id);
  }

  findMany(ids: string[]): Promise<User[]> {
    return this.users.findByIds(ids);
  }

  /** The user with this account id; never an erased one (nobody is found by an erased user's ids). */
  async findByAccountId(accountId: string): Promise<User | undefined> {
    return present(await this.users.findByAccountId(accountId));
  }

  async findByPhone(phone: string): Promise<User | undefined> {
    return present(await this.users.findByPhone(phone));
  }

  /** The caller (USER_NOT_FOUND if gone) and another user (undefined if none), in one read. */
  async meAnd(userId: string, otherId: string): Promise<[User, User | undefined]> {
    const found = await this.users.findByIds(userId === otherId ? [userId] : [userId, otherId]);
    const me = found.find((u) => u.id === userId);
    if (!me) throw new AppError('USER_NOT_FOUND', 'Your user no longer exists');
    return [me, present(found.find((u) => u.id === otherId))];
  }

  /** The user id a stanza's person is, when it names one by id (lowercased); undefined for a cell number or no id. */
  personId(person: string): string | undefined {
    const id = typeof person === 'string' ? person.toLowerCase() : '';
    return isObjectIdHex(id) ? id : undefined;
  }

  /** A person as socket stanzas name them (CONTRACT section 1): a user id, or a cell number in E.164. */
  async findPerson(person: string): Promise<User | undefined> {
    return present(await (person.startsWith('+') ? this.users.findByPhone(person) : this.users.findById(person.toLowerCase())));
  }

  /** Whether a stanza's person names this user. */
  names(person: string, user: User): boolean {
    return person.startsWith('+') ? person === user.phone : person.toLowerCase() === user.id;
  }
}
