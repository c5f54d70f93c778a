import { Types } from 'mongoose';
import { AppError } from '@app/common';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

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

export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
