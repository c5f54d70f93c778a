import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { LRUCache } from 'lru-cache';
import { Model, Types } from 'mongoose';
import { compareAndSetAll, conditionalUpdate } from '../shared/conditional-update';
import { GroupCommit } from '../shared/group-commit';
import { isDuplicateKeyError, pairId, pairKey, sortedPair, toObjectId } from '../shared/ids';
import { Conversation } from './conversation.entity';
import { ConversationCounts, ConversationRecord, ZERO_COUNTS } from './conversation.schema';
import { UnreadSummaryRepository } from './unread-summary.repository';

type LeanConversation = ConversationRecord & { _id: Types.ObjectId };

/** A new message's place, taken by beginInsert. */
export interface BegunInsert {
  conversationId: string;
  seq: number;
  /** Which members' unread summaries the conversation kept when the position was taken. */
  badged: { a: boolean; b: boolean };
}

/** New messages' counts (and positions) per group-commit batch. */
const COUNTS_BATCH = 200;
/** Conversations whose position this process remembers (a stale or missing one costs a findAndModify). */
const POSITION_HINTS = 10_000;

/** A conversation's position and summary flags as this process last saw them: a hint its next positions check. */
interface PositionHint {
  seq: number;
  badged: { a: boolean; b: boolean };
}

function toConversation(doc: LeanConversation): Conversation {
  const [a, b] = doc.userIds.map((id) => id.toHexString());
  return {
    id: doc._id.toHexString(),
    userIds: [a, b],
    counts: { ...ZERO_COUNTS, ...doc.counts },
    lastMessageAt: doc.lastMessageAt ?? null,
    createdAt: doc.createdAt,
    pendingWrites: doc.pendingWrites ?? 0,
    writeEpoch: doc.writeEpoch ?? 0,
    countsVersion: doc.countsVersion ?? 0,
    lastWriteAt: doc.lastWriteAt ?? null,
    messageSeq: doc.messageSeq ?? 0,
    pagedFromStart: doc.pagedFromStart ?? false,
    readFloor: { a: doc.readFloor?.a ?? 0, b: doc.readFloor?.b ?? 0 },
    badged: { a: doc.badged?.a ?? false, b: doc.badged?.b ?? false },
  };
}

/**
 * Conversations. A pair's conversation has an `_id` derived from the pair (pairId), so there can
 * never be two, and finding it is a point read.
 */
@Injectable()
export class ConversationRepository implements OnModuleInit {
  private readonly insertCounts = new GroupCommit<{ conversationId: string; delta: ConversationCounts; lastMessageAt: Date }, void>(
    (batch) => this.applyInsertCounts(batch),
    { maxBatch: COUNTS_BATCH },
  );

  private readonly hints = new LRUCache<string, PositionHint>({ max: POSITION_HINTS });
  private readonly positions = new GroupCommit<string, BegunInsert | undefined>((ids) => this.takePositions(ids), { maxBatch: COUNTS_BATCH });

  constructor(
    @InjectModel(ConversationRecord.name) private readonly model: Model<ConversationRecord>,
    private readonly unread: UnreadSummaryRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /** The pair's conversation, created on first use. */
  async ensureForPair(a: string, b: string): Promise<Conversation> {
    const _id = pairId(a, b);
    const userIds = sortedPair(a, b);
    // A member with an unread summary has it kept by the new conversation's writes too.
    const holders = await this.unread.holders(userIds.map((id) => id.toHexString()));
    const badged = { a: holders.has(userIds[0].toHexString()), b: holders.has(userIds[1].toHexString()) };
    try {
      const doc = await this.model
        .findOneAndUpdate(
          { _id },
          { $setOnInsert: { pairKey: pairKey(a, b), userIds, counts: { ...ZERO_COUNTS }, messageSeq: 0, pagedFromStart: true, badged } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<LeanConversation>();
      this.remember(doc!);
      return toConversation(doc!);
    } catch (err) {
      // Two concurrent upserts: one inserted, the other hit the _id index. Read the winner.
      if (!isDuplicateKeyError(err)) throw err;
      return toConversation((await this.model.findById(_id).lean<LeanConversation>())!);
    }
  }

  async findById(conversationId: string): Promise<Conversation | undefined> {
    const doc = await this.model.findById(toObjectId(conversationId)).lean<LeanConversation>();
    return doc ? toConversation(doc) : undefined;
  }

  async findForPair(a: string, b: string): Promise<Conversation | undefined> {
    const doc = await this.model.findById(pairId(a, b)).lean<LeanConversation>();
    return doc ? toConversation(doc) : undefined;
  }

  /** The conversation if the user is one of its two members; undefined otherwise (not found or not theirs). */
  async findForMember(conversationId: string, memberId: string): Promise<Conversation | undefined> {
    const doc = await this.model.findById(toObjectId(conversationId)).lean<LeanConversation>();
    const member = toObjectId(memberId);
    return doc && doc.userIds.some((id) => id.equals(member)) ? toConversation(doc) : undefined;
  }

  /** Every conversation the user is a member of, oldest first (a data export, erasure). */
  async listForMember(memberId: string): Promise<Conversation[]> {
    const docs = await this.model.find({ userIds: toObjectId(memberId) }).lean<LeanConversation[]>();
    return docs.map(toConversation).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  }

  /** A page of all conversations in `_id` order, after `after` (retention walks them). */
  async page(after: string | undefined, limit: number): Promise<Conversation[]> {
    const docs = await this.model
      .find(after ? { _id: { $gt: toObjectId(after) } } : {})
      .sort({ _id: 1 })
      .limit(limit)
      .lean<LeanConversation[]>();
    return docs.map(toConversation);
  }

  /**
   * The owner's conversations with these members (those that exist), oldest first: one read by
   * `_id`s, derived from the pairs, whatever the number of conversations stored.
   */
  async listWith(ownerId: string, memberIds: string[]): Promise<Conversation[]> {
    if (memberIds.length === 0) return [];
    const docs = await this.model.find({ _id: { $in: memberIds.map((memberId) => pairId(ownerId, memberId)) } }).lean<LeanConversation[]>();
    return docs.map(toConversation).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  }

  // --- counted writes: MessageRepository brackets every message write with these ---

  async beginWrite(conversationId: string): Promise<void> {
    await this.model.updateOne(
      { _id: toObjectId(conversationId) },
      { $inc: { pendingWrites: 1, writeEpoch: 1 }, $set: { lastWriteAt: new Date() } },
    );
  }

  /**
   * beginWrite for a new message: also hands it the conversation's next position, and says which
   * members' unread summaries the conversation keeps (undefined: no such conversation). Positions
   * are taken with the others of a batch (takePositions); a message whose batch could not give it
   * one (a stale hint, a conversation not found, or alone and unknown) takes one by itself.
   */
  async beginInsert(conversationId: string): Promise<BegunInsert | undefined> {
    const begun = await this.positions.submit(conversationId);
    if (begun) return begun;
    const doc = await this.model
      .findOneAndUpdate(
        { _id: toObjectId(conversationId) },
        { $inc: { pendingWrites: 1, writeEpoch: 1, messageSeq: 1 }, $set: { lastWriteAt: new Date() } },
        { returnDocument: 'after' },
      )
      .lean<LeanConversation>();
    if (!doc) return undefined;
    const hint = this.remember(doc);
    return { conversationId, seq: hint.seq, badged: hint.badged };
  }

  /**
   * One batch of positions: for each conversation, one compare-and-set of its position and summary
   * flags as hinted (a hint this process lacks is read first, one `_id $in` for the batch), moved
   * on by as many messages as the batch holds for it, all in one command (compareAndSetAll).
   * Messages whose compare-and-set did not hold (a stale hint, a conversation gone) take the
   * findAndModify path. Conversations are never deleted today; whoever adds a deletion drops the
   * hint too.
   */
  private async takePositions(ids: string[]): Promise<(BegunInsert | undefined)[]> {
    // Alone and unknown: one findAndModify (beginInsert) is cheaper than a read and a write.
    if (ids.length === 1 && !this.hints.has(ids[0])) return [undefined];
    // Conversations this process has no hint for (a fresh process, a busy one's LRU) are read together first.
    const unknown = [...new Set(ids)].filter((id) => !this.hints.has(id));
    if (unknown.length > 0) {
      const docs = await this.model.find({ _id: { $in: unknown.map(toObjectId) } }, { messageSeq: 1, badged: 1 }).lean<LeanConversation[]>();
      for (const doc of docs) this.remember(doc);
    }
    const wanted = new Map<string, { hint: PositionHint; count: number }>();
    for (const id of ids) {
      const entry = wanted.get(id);
      if (entry) entry.count++;
      else {
        const hint = this.hints.get(id);
        if (hint) wanted.set(id, { hint, count: 1 });
      }
    }
    const order = [...wanted.keys()];
    const now = new Date();
    const flag = (on: boolean) => (on ? true : { $ne: true });
    const held = await compareAndSetAll(
      this.model,
      order.map((id) => {
        const { hint, count } = wanted.get(id)!;
        return {
          id: toObjectId(id),
          condition: { messageSeq: hint.seq, 'badged.a': flag(hint.badged.a), 'badged.b': flag(hint.badged.b) },
          update: { $inc: { pendingWrites: count, writeEpoch: count, messageSeq: count }, $set: { lastWriteAt: now } },
        };
      }),
    );
    const missed = new Set(order.filter((_, i) => !held.has(i)));
    for (const id of missed) this.hints.delete(id);
    const taken = new Map<string, number>();
    const begun = ids.map((id) => {
      const entry = wanted.get(id);
      if (!entry || missed.has(id)) return undefined;
      const n = (taken.get(id) ?? 0) + 1;
      taken.set(id, n);
      return { conversationId: id, seq: entry.hint.seq + n, badged: entry.hint.badged };
    });
    for (const [id, { hint, count }] of wanted) {
      if (!missed.has(id)) this.hint(id, { seq: hint.seq + count, badged: hint.badged });
    }
    return begun;
  }

  /** The conversation's position and flags as just read, as the hint for its next positions. */
  private remember(doc: LeanConversation): PositionHint {
    const hint = { seq: doc.messageSeq ?? 0, badged: { a: doc.badged?.a ?? false, b: doc.badged?.b ?? false } };
    this.hint(doc._id.toHexString(), hint);
    return hint;
  }

  /** A hint never moves back (a findAndModify and a batch for one conversation may answer out of order). */
  private hint(conversationId: string, hint: PositionHint): void {
    const known = this.hints.get(conversationId);
    if (!known || known.seq <= hint.seq) this.hints.set(conversationId, hint);
  }

  /**
   * endWrite for a new message. When no member whose unread count it moves keeps an unread summary
   * (as beginInsert saw it), there is nothing to copy, and concurrent messages' counts go together
   * in one command (group commit); otherwise the count and its copy as endWrite does. A summary
   * opened between the two is mended by the list (mendUnread), as one opened under any write is.
   */
  async endInsert(begun: BegunInsert, delta: ConversationCounts, lastMessageAt: Date): Promise<void> {
    if ((delta.unreadA !== 0 && begun.badged.b) || (delta.unreadB !== 0 && begun.badged.a)) {
      await this.endWrite(begun.conversationId, delta, lastMessageAt);
      return;
    }
    await this.insertCounts.submit({ conversationId: begun.conversationId, delta, lastMessageAt });
  }

  private async applyInsertCounts(batch: { conversationId: string; delta: ConversationCounts; lastMessageAt: Date }[]): Promise<void[]> {
    await this.model.bulkWrite(
      batch.map(({ conversationId, delta, lastMessageAt }) => ({
        updateOne: { filter: { _id: toObjectId(conversationId) }, update: countsUpdate(delta, lastMessageAt, delta.unreadA !== 0 || delta.unreadB !== 0) },
      })),
      { ordered: false },
    );
    return batch.map(() => undefined);
  }

  /** Every incoming message of `memberId` up to `position` is seen (never lowered). */
  async raiseReadFloor(conversationId: string, memberId: string, position: number): Promise<void> {
    const doc = await this.model.findById(toObjectId(conversationId), { userIds: 1 }).lean<LeanConversation>();
    if (!doc) return;
    const side = doc.userIds[0].equals(toObjectId(memberId)) ? 'a' : 'b';
    await this.model.updateOne({ _id: doc._id }, { $max: { [`readFloor.${side}`]: position } });
  }

  /**
   * Applies a counted write's delta. A delta that moves an unread count also bumps `countsVersion`
   * and copies the member's new count into their unread summary (the app badge).
   */
  async endWrite(conversationId: string, delta: ConversationCounts, lastMessageAt?: Date): Promise<void> {
    if (delta.unreadA === 0 && delta.unreadB === 0) {
      await this.model.updateOne({ _id: toObjectId(conversationId) }, countsUpdate(delta, lastMessageAt, false));
      return;
    }
    const after = await this.model
      .findOneAndUpdate({ _id: toObjectId(conversationId) }, countsUpdate(delta, lastMessageAt, true), { returnDocument: 'after' })
      .lean<LeanConversation>();
    // unreadA counts what "a" sent and "b" has not read: it is b's unread. Only members with a summary are copied to.
    if (!after) return;
    const conversation = toConversation(after);
    await this.copyUnread(conversation, { a: delta.unreadB !== 0 && conversation.badged.a, b: delta.unreadA !== 0 && conversation.badged.b });
  }

  /**
   * The list's own reading: copies any member count the summary lacks or has wrong (a writer that
   * died between the count and its copy; a conversation from before summaries), and forgets those
   * the list no longer shows (`conversations` is the whole list). Settled counts only.
   */
  async mendUnread(ownerId: string, conversations: Conversation[]): Promise<void> {
    const summary = (await this.unread.of([ownerId])).get(ownerId);
    if (!summary) return; // nobody was pushed to: nothing to keep
    const listed = new Set(conversations.map((c) => c.id));
    await this.unread.forget(ownerId, Object.keys(summary.conversations).filter((id) => !listed.has(id)));
    for (const conversation of conversations) {
      // A conversation that does not yet keep the summary (made while it was being opened) starts to.
      if (!conversation.badged[sideOf(conversation, ownerId)]) await this.flagBadged(ownerId, [conversation]);
      if (conversation.pendingWrites > 0) continue;
      const mine = unreadOf(conversation, ownerId);
      if (summary.conversations[conversation.id] !== mine) await this.unread.record(ownerId, conversation.id, conversation.countsVersion, mine);
    }
  }

  /** Opens a user's unread summary from their conversations (the list's counts), for their first push. */
  async openUnread(ownerId: string, conversations: Conversation[]): Promise<void> {
    await this.unread.open(ownerId, conversations.map((c) => ({ conversationId: c.id, version: c.countsVersion, unread: unreadOf(c, ownerId) })));
    await this.flagBadged(ownerId, conversations);
  }

  /** From now on these conversations' count writes keep `ownerId`'s summary. */
  private async flagBadged(ownerId: string, conversations: Conversation[]): Promise<void> {
    for (const side of ['a', 'b'] as const) {
      const ids = conversations.filter((c) => sideOf(c, ownerId) === side).map((c) => toObjectId(c.id));
      for (let i = 0; i < ids.length; i += 1000) await this.model.updateMany({ _id: { $in: ids.slice(i, i + 1000) } }, { $set: { [`badged.${side}`]: true } });
    }
  }

  /** Replaces the counts by a recount, unless a counted write began since `writeEpoch` was read. */
  async replaceCounts(conversationId: string, writeEpoch: number, counts: ConversationCounts): Promise<boolean> {
    const before = await conditionalUpdate<ConversationRecord, LeanConversation>(
      this.model,
      toObjectId(conversationId),
      { writeEpoch },
      { $set: { counts, pendingWrites: 0 }, $inc: { countsVersion: 1 } },
    );
    if (!before) return false;
    const replaced = toConversation(before);
    await this.copyUnread({ ...replaced, counts, countsVersion: replaced.countsVersion + 1 }, replaced.badged);
    return true;
  }

  private async copyUnread(conversation: Conversation, sides: { a: boolean; b: boolean }): Promise<void> {
    const [a, b] = conversation.userIds;
    await Promise.all([
      sides.a ? this.unread.record(a, conversation.id, conversation.countsVersion, unreadOf(conversation, a)) : undefined,
      sides.b ? this.unread.record(b, conversation.id, conversation.countsVersion, unreadOf(conversation, b)) : undefined,
    ]);
  }
}

/** A counted write's end: its delta, one fewer write pending, and a new countsVersion when an unread count moved. */
function countsUpdate(delta: ConversationCounts, lastMessageAt: Date | undefined, unreadMoved: boolean) {
  const inc: Record<string, number> = { pendingWrites: -1 };
  for (const [key, value] of Object.entries(delta)) if (value !== 0) inc[`counts.${key}`] = value;
  if (unreadMoved) inc.countsVersion = 1;
  return { $inc: inc, ...(lastMessageAt ? { $max: { lastMessageAt } } : {}) };
}

function sideOf(conversation: Conversation, memberId: string): 'a' | 'b' {
  return conversation.userIds[0] === memberId ? 'a' : 'b';
}

/** A member's unread incoming messages (the list's unreadIncomingMessagesCount). */
function unreadOf(conversation: Conversation, memberId: string): number {
  return conversation.userIds[0] === memberId ? conversation.counts.unreadB : conversation.counts.unreadA;
}
