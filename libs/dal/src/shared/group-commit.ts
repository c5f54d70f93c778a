/**
 * Group commit (PostgreSQL's, Kafka's): work that arrives while a batch is in flight waits, and
 * goes to the database together in the next batch, as one command. There is no timer: an idle
 * lane sends a lone item at once, so a quiet server adds no latency, and under load an item waits
 * for at most the batch before its own. A caller's promise settles only when its batch's command
 * has returned, so whatever it acknowledges next is already written.
 *
 * `run` gets the items of one batch and answers one result per item, in their order (an item's
 * own failure, a duplicate key say, is part of its result); a rejection of `run` fails every item
 * of that batch, as the one command would have failed each of them.
 */
export class GroupCommit<In, Out> {
  private readonly queue: { item: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly limits: { maxBatch: number; lanes?: number },
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.flush();
    });
  }

  /** Items waiting for a lane (the next batch). */
  get waiting(): number {
    return this.queue.length;
  }

  private flush(): void {
    while (this.inFlight < (this.limits.lanes ?? 1) && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.limits.maxBatch);
      this.inFlight++;
      void this.send(batch);
    }
  }

  private async send(batch: typeof this.queue): Promise<void> {
    try {
      const results = await this.run(batch.map((entry) => entry.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} answered ${results.length} results`);
      batch.forEach((entry, i) => entry.resolve(results[i]));
    } catch (err) {
      for (const entry of batch) entry.reject(err);
    } finally {
      this.inFlight--;
      this.flush();
    }
  }
}
