import { KeyedMutex } from './keyed-mutex';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedMutex', () => {
  it('runs work for one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let shared = 0;
    const increment = (name: string) =>
      mutex.run('doc', async () => {
        log.push(`start ${name}`);
        const read = shared;
        await tick();
        shared = read + 1; // a read-modify-write that would lose updates if interleaved
        log.push(`end ${name}`);
      });
    await Promise.all(['a', 'b', 'c'].map(increment));
    expect(shared).toBe(3);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(mutex.size).toBe(0);
  });

  it('lets different keys run side by side', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    await Promise.all(
      ['x', 'y'].map((key) =>
        mutex.run(key, async () => {
          log.push(`start ${key}`);
          await tick();
          log.push(`end ${key}`);
        }),
      ),
    );
    expect(log).toEqual(['start x', 'start y', 'end x', 'end y']);
  });

  it('keeps going after a failure, and passes results and errors through', async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run('k', async () => 42)).resolves.toBe(42);
    expect(mutex.size).toBe(0);
  });
});
