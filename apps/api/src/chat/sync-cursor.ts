import { AppError } from '@app/common';

/**
 * A sync cursor is a position in the caller's own change sequence (ChangeFeedRepository), opaque
 * to clients: base64url of `{"v":2,"s":<position>}`. A cursor of the earlier time-based format,
 * or anything else, is INVALID_CURSOR: the client syncs again without one and gets everything.
 */
const VERSION = 2;

export function encodeCursor(position: number): string {
  return Buffer.from(JSON.stringify({ v: VERSION, s: position })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { v, s } = (parsed ?? {}) as { v?: unknown; s?: unknown };
  if (v !== VERSION || typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0) throw invalid();
  return s;
}

export function invalidCursor(): AppError {
  return invalid();
}

function invalid(): AppError {
  return new AppError('INVALID_CURSOR', 'Unknown or outdated sync cursor: sync again without a cursor to start over');
}
