import { AppError } from '@app/common';

/**
 * A position in the stream of changes of one user's messages: changes at `t` (ms), after the
 * message `id` among those changed exactly at `t` (all of them when `id` is absent).
 * Opaque to clients: base64url of JSON.
 */
export interface SyncPosition {
  t: number;
  id?: string;
}

export const START: SyncPosition = { t: 0 };

export function encodeCursor(position: SyncPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): SyncPosition {
  if (cursor === undefined) return START;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('INVALID_CURSOR');
  }
  const { t, id } = (parsed ?? {}) as { t?: unknown; id?: unknown };
  const valid =
    typeof t === 'number' && Number.isInteger(t) && t >= 0 && (id === undefined || (typeof id === 'string' && /^[0-9a-f]{24}$/.test(id)));
  if (!valid) throw new AppError('INVALID_CURSOR');
  return id === undefined ? { t } : { t, id };
}

/** Ordering of positions: by time, then "all of t" before any id at t, then by id. */
export function comparePositions(a: SyncPosition, b: SyncPosition): number {
  if (a.t !== b.t) return a.t - b.t;
  if (a.id === b.id) return 0;
  if (a.id === undefined) return -1;
  if (b.id === undefined) return 1;
  return a.id < b.id ? -1 : 1;
}

/**
 * The cursor to hand back after a sync that read changes up to `last` (the last one returned, if
 * the page was full) at `startedAt`. It never passes the horizon `startedAt - lag`: a writer that
 * stamped its change before then but whose write had not landed yet will still be found. It never
 * goes back before where the client already was.
 */
export function nextPosition(since: SyncPosition, last: SyncPosition | undefined, startedAt: number, lagMs: number): SyncPosition {
  const horizon: SyncPosition = { t: Math.max(0, startedAt - lagMs) };
  const reached = last && comparePositions(last, horizon) < 0 ? last : horizon;
  return comparePositions(reached, since) > 0 ? reached : since;
}
