import { Model, Types, UpdateQuery } from 'mongoose';
import { writeErrorsOf } from './ids';

/**
 * Applies `update` to the document `id` only if it also matches `condition`, and returns the
 * document as it was before (null when the condition did not hold). One findAndModify: atomic on
 * MongoDB and on the project's FerretDB build (its atomic-writes patches), so the same code runs
 * on both and racing writers have exactly one winner.
 */
export function conditionalUpdate<R, T extends { _id: Types.ObjectId }>(model: Model<R>, id: Types.ObjectId, condition: object, update: UpdateQuery<R>): Promise<T | null> {
  return model.findOneAndUpdate({ _id: id, ...condition }, update, { returnDocument: 'before' }).lean<T>().exec() as Promise<T | null>;
}

/** One compare-and-set of a batch: the document `id`, updated only if it matches `condition`. */
export interface CompareAndSet<R> {
  id: Types.ObjectId;
  condition: object;
  update: UpdateQuery<R>;
}

/**
 * Several compare-and-sets in one unordered bulkWrite, and which of them held: the indexes of
 * those that did. Each is an upsert, so one whose condition did not hold collides with its
 * document's `_id` and fails its own statement (a bulk write reports matched counts only in total;
 * a write error names its statement). That is MongoDB's behaviour, and the embedded database's
 * with its update-write-errors patch. One whose document no longer exists would be inserted: it is
 * removed again at once and counted as not held. Callers settle the ones that did not hold one by
 * one (conditionalUpdate).
 */
export async function compareAndSetAll<R>(model: Model<R>, writes: CompareAndSet<R>[]): Promise<Set<number>> {
  const held = new Set(writes.map((_, i) => i));
  if (writes.length === 0) return held;
  let upserted: Record<number, unknown>;
  try {
    upserted = (
      await model.bulkWrite(
        writes.map(({ id, condition, update }) => ({ updateOne: { filter: { ...condition, _id: id }, update, upsert: true } })) as Parameters<Model<R>['bulkWrite']>[0],
        { ordered: false },
      )
    ).upsertedIds;
  } catch (err) {
    const failures = writeErrorsOf(err);
    if (!failures || failures.some((f) => f.code !== 11000)) throw err;
    for (const failure of failures) held.delete(failure.index);
    upserted = (err as { result?: { upsertedIds?: Record<number, unknown> } }).result?.upsertedIds ?? {};
  }
  const stray = Object.keys(upserted).map(Number);
  if (stray.length > 0) {
    await model.deleteMany({ _id: { $in: stray.map((i) => writes[i].id) } });
    for (const i of stray) held.delete(i);
  }
  return held;
}
