import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { LRUCache } from 'lru-cache';
import { Model, Types } from 'mongoose';
import { randomInt, randomUUID } from 'node:crypto';
import { isDuplicateKeyError, toObjectId } from '../shared/ids';
import { ERASED_PHONE_PREFIX, ERASED_USER_NAME, NewUser, User, UserStanding } from './user.entity';
import { UserRecord } from './user.schema';

type LeanUser = UserRecord & { _id: Types.ObjectId };

function toUser(doc: LeanUser): User {
  return {
    id: doc._id.toHexString(),
    accountId: doc.accountId,
    name: doc.name,
    phone: doc.phone,
    avatar: doc.avatar ?? null,
    createdAt: doc.createdAt,
    erased: Boolean(doc.erasedAt),
  };
}

/** How many users' profiles a process keeps (about 200 bytes each). */
const PROFILE_CACHE_SIZE = 50_000;
/** How long a process trusts a profile it read (an erasure elsewhere shows after at most this). */
const PROFILE_TTL_MS = 60_000;

@Injectable()
export class UserRepository implements OnModuleInit {
  /**
   * A user's profile (id, account id, name, phone, avatar, creation) changes only when the user is
   * erased, so a profile read once is kept (least recently used out first, for PROFILE_TTL_MS) and
   * the conversation list's other parties cost no read. The process that erases drops its copy at
   * once; another shows the old name for at most PROFILE_TTL_MS (docs/security.md, "Erasure").
   * What changes often (the standing: sessions, suspension, erasure) is never cached (`standing`).
   */
  private readonly profiles = new LRUCache<string, User>({ max: PROFILE_CACHE_SIZE, ttl: PROFILE_TTL_MS });

  constructor(@InjectModel(UserRecord.name) private readonly model: Model<UserRecord>) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /** Throws a duplicate-key error (see isDuplicateKeyError) when the phone or account id is taken. */
  async create(user: NewUser): Promise<User> {
    const doc = await this.model.create({ ...user, avatar: user.avatar ?? null });
    return toUser(doc.toObject());
  }

  async findById(id: string): Promise<User | undefined> {
    const cached = this.profiles.get(id);
    if (cached) return cached;
    const doc = await this.model.findById(toObjectId(id)).lean<LeanUser>();
    return doc ? this.kept(toUser(doc)) : undefined;
  }

  /** Whether a token of this user is accepted: one read by `_id`. Undefined: no such user. */
  async standing(id: string): Promise<UserStanding | undefined> {
    const doc = await this.model.findById(toObjectId(id), { sessionsValidFrom: 1, suspendedAt: 1, erasedAt: 1 }).lean<LeanUser>();
    // An erased user is nobody: every token of theirs is refused as a stranger's.
    return doc && !doc.erasedAt ? { sessionsValidFrom: doc.sessionsValidFrom ?? null, suspendedAt: doc.suspendedAt ?? null } : undefined;
  }

  /**
   * Erases the user's profile, keeping the record as a stub: the name ERASED_USER_NAME, no avatar,
   * a new account id that no identity provider names, a phone no one can have (+999 and twelve
   * digits), every token refused. Idempotent (an erased user stays as they are).
   */
  async erase(id: string, at: Date): Promise<boolean> {
    const _id = toObjectId(id);
    for (let attempt = 0; attempt < 5; attempt++) {
      const digits = attempt === 0 ? (BigInt(`0x${id}`) % 10n ** 12n).toString() : randomInt(0, 1e12).toString();
      const stub = { name: ERASED_USER_NAME, avatar: null, accountId: randomUUID(), phone: `${ERASED_PHONE_PREFIX}${digits.padStart(12, '0')}`, erasedAt: at, sessionsValidFrom: at };
      try {
        const result = await this.model.updateOne({ _id, erasedAt: null }, { $set: stub });
        this.profiles.delete(id);
        return result.matchedCount > 0 || (await this.model.exists({ _id })) !== null;
      } catch (err) {
        // Another erased user's stub holds that phone: draw another.
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    throw new Error('no free phone for an erased user');
  }

  /** Refuses the user's tokens issued before `at` (never moves back); false: no such user. */
  async revokeSessionsBefore(id: string, at: Date): Promise<boolean> {
    const result = await this.model.updateOne({ _id: toObjectId(id) }, { $max: { sessionsValidFrom: at } });
    return result.matchedCount > 0;
  }

  /** Suspends (a date) or restores (null) the user; false: no such user. */
  async setSuspended(id: string, at: Date | null): Promise<boolean> {
    const result = await this.model.updateOne({ _id: toObjectId(id) }, { $set: { suspendedAt: at } });
    return result.matchedCount > 0;
  }

  async findByIds(ids: string[]): Promise<User[]> {
    const found = ids.flatMap((id) => this.profiles.get(id) ?? []);
    const missing = ids.filter((id) => !this.profiles.has(id));
    if (missing.length === 0) return found;
    const docs = await this.model.find({ _id: { $in: missing.map(toObjectId) } }).lean<LeanUser[]>();
    return [...found, ...docs.map((doc) => this.kept(toUser(doc)))];
  }

  /** Frozen: a kept profile is shared by every caller. */
  private kept(user: User): User {
    this.profiles.set(user.id, Object.freeze(user));
    return user;
  }

  async findByAccountId(accountId: string): Promise<User | undefined> {
    const doc = await this.model.findOne({ accountId: String(accountId) }).lean<LeanUser>();
    return doc ? toUser(doc) : undefined;
  }

  async findByPhone(phone: string): Promise<User | undefined> {
    const doc = await this.model.findOne({ phone: String(phone) }).lean<LeanUser>();
    return doc ? toUser(doc) : undefined;
  }

  /** A page in id order, after the given id. */
  async list(page: { limit: number; after?: string }): Promise<User[]> {
    // Erased users are stubs, no longer anyone to administer.
    const filter = { erasedAt: null, ...(page.after ? { _id: { $gt: toObjectId(page.after) } } : {}) };
    const docs = await this.model.find(filter).sort({ _id: 1 }).limit(page.limit).lean<LeanUser[]>();
    return docs.map(toUser);
  }
}
