/**
 * Runs async work one at a time per key, in this process.
 *
 * Why: FerretDB 1.x (our embedded database) does not apply an update atomically. Its SQLite
 * handler reads the document, applies the operators, and writes it back outside a transaction, so
 * two concurrent `$inc`s on one document lose one, and two conditional updates can both "win"
 * (measured: 200 concurrent $inc ended at 7; FerretDB issue #3040). MongoDB applies each
 * single-document update atomically, so there this costs only a map lookup.
 *
 * Every read-modify-write of a document that can be raced goes through here, keyed by that
 * document. Inserts need no lock: unique indexes are enforced atomically by both servers.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      // Forget the key once nobody queued behind us, so the map stays small.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with work running or queued (for tests). */
  get size(): number {
    return this.tails.size;
  }
}

/** One lock table for all repositories of this process. */
export const documentLocks = new KeyedMutex();
