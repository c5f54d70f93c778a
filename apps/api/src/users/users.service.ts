import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TokenSubjects } from '@app/auth';
import { AppError, Throws } from '@app/common';
import { isDuplicateKeyError, isObjectIdHex, User } from '@app/dal';
import { UserRepository } from '@app/dal/users';

export interface NewUserInput {
  name: string;
  phone: string;
  avatar?: string | null;
}

/** Ids remembered as existing (users are never deleted, so a remembered id stays right). */
const KNOWN_IDS_BOUND = 100_000;

@Injectable()
export class UsersService implements TokenSubjects {
  private readonly known = new Set<string>();
  /** accountId -> user id, as identity provider tokens are verified (an accountId never changes). */
  private readonly accounts = new Map<string, string>();

  constructor(private readonly users: UserRepository) {}

  /** Whether a user with this id exists (every authenticated request asks: one read per id and process). */
  async exists(userId: string): Promise<boolean> {
    if (this.known.has(userId)) return true;
    if (!(await this.users.findById(userId))) return false;
    if (this.known.size >= KNOWN_IDS_BOUND) this.known.clear();
    this.known.add(userId);
    return true;
  }

  /** The user an identity provider's token names by accountId: one read per accountId and process. */
  async userIdForAccount(accountId: string): Promise<string | undefined> {
    const cached = this.accounts.get(accountId);
    if (cached) return cached;
    const user = await this.users.findByAccountId(accountId);
    if (!user) return undefined;
    if (this.accounts.size >= KNOWN_IDS_BOUND) this.accounts.clear();
    this.accounts.set(accountId, user.id);
    return user.id;
  }

  @Throws('PHONE_TAKEN')
  async create(input: NewUserInput): Promise<User> {
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

  findByAccountId(accountId: string): Promise<User | undefined> {
    return this.users.findByAccountId(accountId);
  }

  findByPhone(phone: string): Promise<User | undefined> {
    return this.users.findByPhone(phone);
  }

  /** The caller (USER_NOT_FOUND if gone) and another user (undefined if none), in one read. */
  async meAnd(userId: string, otherId: string): Promise<[User, User | undefined]> {
    const found = await this.users.findByIds(userId === otherId ? [userId] : [userId, otherId]);
    const me = found.find((u) => u.id === userId);
    if (!me) throw new AppError('USER_NOT_FOUND', 'Your user no longer exists');
    return [me, found.find((u) => u.id === otherId)];
  }

  /** The user id a stanza's person is, when it names one by id (lowercased); undefined for a cell number or no id. */
  personId(person: string): string | undefined {
    const id = typeof person === 'string' ? person.toLowerCase() : '';
    return isObjectIdHex(id) ? id : undefined;
  }

  /** A person as socket stanzas name them (CONTRACT section 1): a user id, or a cell number in E.164. */
  findPerson(person: string): Promise<User | undefined> {
    return person.startsWith('+') ? this.users.findByPhone(person) : this.users.findById(person.toLowerCase());
  }

  /** Whether a stanza's person names this user. */
  names(person: string, user: User): boolean {
    return person.startsWith('+') ? person === user.phone : person.toLowerCase() === user.id;
  }
}
