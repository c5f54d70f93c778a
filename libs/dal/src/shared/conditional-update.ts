import { Model, Types, UpdateQuery } from 'mongoose';

/**
 * Applies `update` to the document `id` only if it also matches `condition`, and returns the
 * document as it was before (null when the condition did not hold). One findAndModify: atomic on
 * MongoDB and on the project's FerretDB build (its atomic-writes patches), so the same code runs
 * on both and racing writers have exactly one winner.
 */
export function conditionalUpdate<R, T extends { _id: Types.ObjectId }>(model: Model<R>, id: Types.ObjectId, condition: object, update: UpdateQuery<R>): Promise<T | null> {
  return model.findOneAndUpdate({ _id: id, ...condition }, update, { returnDocument: 'before' }).lean<T>().exec() as Promise<T | null>;
}
