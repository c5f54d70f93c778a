import { decodeCursor, encodeCursor } from './sync-cursor';

describe('sync cursor', () => {
  it('round-trips a position, and no cursor is the start', () => {
    for (const position of [0, 1, 42, 1_000_000]) expect(decodeCursor(encodeCursor(position))).toBe(position);
    expect(decodeCursor(undefined)).toBe(0);
  });

  it.each([
    ['not base64 JSON', 'garbage'],
    ['the earlier time-based format', Buffer.from(JSON.stringify({ t: 1795306436413 })).toString('base64url')],
    ['a negative position', Buffer.from(JSON.stringify({ v: 2, s: -1 })).toString('base64url')],
    ['a fractional position', Buffer.from(JSON.stringify({ v: 2, s: 1.5 })).toString('base64url')],
    ['another version', Buffer.from(JSON.stringify({ v: 3, s: 1 })).toString('base64url')],
  ])('refuses %s with INVALID_CURSOR', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
  });
});
