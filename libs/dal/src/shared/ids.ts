import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { AppError } from '@app/common';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** Whether a string is a user, message or conversation id (24 hex digits). */
export function isObjectIdHex(id: string): boolean {
  return typeof id === 'string' && OBJECT_ID.test(id);
}

/** A 24-hex id as an ObjectId; anything else is the caller's mistake (400), never a driver error. */
export function toObjectId(id: string): Types.ObjectId {
  if (typeof id !== 'string' || !OBJECT_ID.test(id)) throw new AppError('INVALID_ID');
  return new Types.ObjectId(id);
}

/** The canonical key of an unordered pair of users: the two ids sorted, joined by ':'. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

export function sortedPair(a: string, b: string): [Types.ObjectId, Types.ObjectId] {
  const [x, y] = a < b ? [a, b] : [b, a];
  return [toObjectId(x), toObjectId(y)];
}

/**
 * An ObjectId derived from a natural key (the first 96 bits of its SHA-256). Documents that have a
 * natural key (a pair's conversation, a sender's uniqueid) use it as `_id`, so that:
 * - uniqueness is the `_id` index itself: a second insert for the same key fails atomically;
 * - looking one up is a point read by `_id`, the one filter FerretDB 1.x answers from an index
 *   (any other filter scans the collection; docs/embedded-database.md).
 */
export function derivedId(naturalKey: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(naturalKey).digest().subarray(0, 12));
}

/** The `_id` of the conversation (and of the network link) of a pair of users. */
export function pairId(a: string, b: string): Types.ObjectId {
  return derivedId(`pair:${pairKey(a, b)}`);
}

/** The `_id` of the message a sender sent with this uniqueid. */
export function messageIdFor(senderId: string, uniqueId: string): Types.ObjectId {
  return derivedId(`message:${senderId.toLowerCase()}:${uniqueId}`);
}

export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/**
 * The per-document failures of a batched write (an insertMany's or bulkWrite's MongoBulkWriteError),
 * by index into the batch; undefined when the error is not one (the command itself failed).
 */
export function writeErrorsOf(err: unknown): { index: number; code?: number }[] | undefined {
  const failures = (err as { writeErrors?: { index: number; code?: number }[] | { index: number; code?: number } } | null)?.writeErrors;
  if (failures === undefined) return undefined;
  return Array.isArray(failures) ? failures : [failures];
}
