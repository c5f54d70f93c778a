import { GroupCommit } from './group-commit';

/** A `run` whose batches the test answers by hand. */
function controlledRun() {
  const batches: { items: number[]; answer: (results: string[]) => void; fail: (err: Error) => void }[] = [];
  const run = (items: number[]) =>
    new Promise<string[]>((answer, fail) => {
      batches.push({ items, answer, fail });
    });
  return { batches, run };
}

describe('GroupCommit', () => {
  it('sends a lone item at once, and what arrives meanwhile together in the next batch', async () => {
    const { batches, run } = controlledRun();
    const lane = new GroupCommit(run, { maxBatch: 10 });
    const first = lane.submit(1);
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    const later = [lane.submit(2), lane.submit(3), lane.submit(4)];
    expect(batches).toHaveLength(1);
    expect(lane.waiting).toBe(3);

    batches[0].answer(['one']);
    await expect(first).resolves.toBe('one');
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]);
    batches[1].answer(['two', 'three', 'four']);
    await expect(Promise.all(later)).resolves.toEqual(['two', 'three', 'four']);
  });

  it('settles an item only when its own batch has returned', async () => {
    const { batches, run } = controlledRun();
    const lane = new GroupCommit(run, { maxBatch: 10 });
    let settled = false;
    void lane.submit(1);
    void lane.submit(2).then(() => (settled = true));
    batches[0].answer(['one']);
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    batches[1].answer(['two']);
    await new Promise(setImmediate);
    expect(settled).toBe(true);
  });

  it('keeps batches within maxBatch and uses as many lanes as allowed', () => {
    const { batches, run } = controlledRun();
    const lane = new GroupCommit(run, { maxBatch: 2, lanes: 2 });
    for (let i = 1; i <= 7; i++) void lane.submit(i);
    // Two lanes: 1 alone, then 2 with nothing else yet; the rest wait.
    expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
    batches[0].answer(['a']);
    return new Promise<void>((done) =>
      setImmediate(() => {
        expect(batches.map((b) => b.items)).toEqual([[1], [2], [3, 4]]);
        done();
      }),
    );
  });

  it('fails every item of a batch whose command failed, and goes on with the next', async () => {
    const { batches, run } = controlledRun();
    const lane = new GroupCommit(run, { maxBatch: 10 });
    const first = lane.submit(1);
    const second = [lane.submit(2), lane.submit(3)];
    batches[0].answer(['one']);
    await first;
    batches[1].fail(new Error('database away'));
    await expect(second[0]).rejects.toThrow('database away');
    await expect(second[1]).rejects.toThrow('database away');
    const third = lane.submit(4);
    batches[2].answer(['four']);
    await expect(third).resolves.toBe('four');
  });

  it('fails the batch when run answers the wrong number of results', async () => {
    const { batches, run } = controlledRun();
    const lane = new GroupCommit(run, { maxBatch: 10 });
    const only = lane.submit(1);
    batches[0].answer([]);
    await expect(only).rejects.toThrow('a batch of 1 answered 0 results');
  });
});
