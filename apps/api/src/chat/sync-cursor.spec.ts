import { AppError } from '@app/common';
import { comparePositions, decodeCursor, encodeCursor, nextPosition, START } from './sync-cursor';

describe('sync cursor', () => {
  const id = '5a216e4005100b3d9029dd71';

  it('round-trips', () => {
    expect(decodeCursor(encodeCursor({ t: 123, id }))).toEqual({ t: 123, id });
    expect(decodeCursor(encodeCursor({ t: 5 }))).toEqual({ t: 5 });
    expect(decodeCursor(undefined)).toEqual(START);
  });

  it.each(['not base64 json', encodeCursor({ t: -1 }), encodeCursor({ t: 1.5 }), Buffer.from('{"t":"1"}').toString('base64url'), encodeCursor({ t: 1, id: 'x' }), Buffer.from('null').toString('base64url')])(
    'refuses %p',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(AppError);
    },
  );

  it('orders positions by time, then all-of-t first, then id', () => {
    expect(comparePositions({ t: 1 }, { t: 2 })).toBeLessThan(0);
    expect(comparePositions({ t: 2 }, { t: 2, id })).toBeLessThan(0);
    expect(comparePositions({ t: 2, id: '0'.repeat(24) }, { t: 2, id })).toBeLessThan(0);
    expect(comparePositions({ t: 2, id }, { t: 2, id })).toBe(0);
  });

  describe('nextPosition', () => {
    const lag = 5000;
    it('stops at the horizon when the page was not full', () => {
      expect(nextPosition(START, undefined, 100_000, lag)).toEqual({ t: 95_000 });
    });
    it('stops at the last change returned when that is before the horizon', () => {
      expect(nextPosition(START, { t: 90_000, id }, 100_000, lag)).toEqual({ t: 90_000, id });
    });
    it('never passes the horizon, even when the last change returned is newer', () => {
      expect(nextPosition(START, { t: 99_000, id }, 100_000, lag)).toEqual({ t: 95_000 });
    });
    it('never goes back before where the client was', () => {
      expect(nextPosition({ t: 97_000 }, undefined, 100_000, lag)).toEqual({ t: 97_000 });
    });
  });
});
