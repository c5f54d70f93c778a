import { AppError } from '@app/common';
import { pairKey, sortedPair, toObjectId } from './ids';

describe('ids', () => {
  const a = '58c67eec6e1b455d503d3b55';
  const b = '58cde4d96e1b1b3dd01c29ee';

  it('gives a pair the same key whichever way round', () => {
    expect(pairKey(a, b)).toBe(pairKey(b, a));
    expect(pairKey(a, b)).toBe(`${a}:${b}`);
    expect(sortedPair(b, a).map(String)).toEqual([a, b]);
  });

  it.each(['', 'abc', `${a}0`, 'zzzzzzzzzzzzzzzzzzzzzzzz', { $ne: null }, ['58c67eec6e1b455d503d3b55']])(
    'refuses %p as an id with INVALID_ID',
    (value) => {
      expect(() => toObjectId(value as string)).toThrow(AppError);
      expect(() => toObjectId(value as string)).toThrow('Malformed id');
    },
  );
});

describe('derived ids', () => {
  const a = '58c67eec6e1b455d503d3b55';
  const b = '58cde4d96e1b1b3dd01c29ee';

  it('gives a pair one id whichever way round, distinct from other pairs', async () => {
    const { pairId } = await import('./ids');
    expect(pairId(a, b).toHexString()).toBe(pairId(b, a).toHexString());
    expect(pairId(a, b).toHexString()).toMatch(/^[0-9a-f]{24}$/);
    expect(pairId(a, b).equals(pairId(a, '58cde4d96e1b1b3dd01c29ef'))).toBe(false);
  });

  it('gives a sender\'s uniqueid one message id, distinct per sender', async () => {
    const { messageIdFor } = await import('./ids');
    expect(messageIdFor(a, 'u1').equals(messageIdFor(a.toUpperCase(), 'u1'))).toBe(true);
    expect(messageIdFor(a, 'u1').equals(messageIdFor(b, 'u1'))).toBe(false);
    expect(messageIdFor(a, 'u1').equals(messageIdFor(a, 'u2'))).toBe(false);
  });
});
