import type { Collection } from 'mongoose';

type IndexKey = Record<string, 1 | -1>;

const sameKey = (a: Record<string, unknown>, b: IndexKey) => JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));

/**
 * Drops indexes an earlier version created that no query uses any more: mongoose creates the
 * schema's indexes but never drops one, and each costs every write of its collection. Only the
 * keys named here go (an index an operator added stays); one already gone (another process
 * dropped it first, or the collection is new) is fine.
 */
export async function dropRetiredIndexes(collection: Collection, retired: IndexKey[]): Promise<void> {
  const existing = await collection.indexes().catch(() => []);
  for (const index of existing) {
    if (!index.name || !retired.some((key) => sameKey(index.key, key))) continue;
    await collection.dropIndex(index.name).catch((err: { codeName?: string }) => {
      if (err.codeName !== 'IndexNotFound' && err.codeName !== 'NamespaceNotFound') throw err;
    });
  }
}
