import type { Model } from 'mongoose';

/**
 * Takes the first job matching `filter` (in `sort` order) that nobody holds, no lock or one that ran
 * out, for `lockMs`: it becomes `running`, its `attempts` one more. One findAndModify, so of racing
 * workers (any number of processes) exactly one gets it; a worker that dies leaves it to another
 * once its lock runs out.
 */
export function claimUnheld<R, T>(model: Model<R>, filter: object, sort: Record<string, 1 | -1>, lockMs: number, now: Date): Promise<T | null> {
  return model
    .findOneAndUpdate(
      { ...filter, $or: [{ lockedUntil: null }, { lockedUntil: { $lt: now } }] },
      { $set: { state: 'running', lockedUntil: new Date(now.getTime() + lockMs) }, $inc: { attempts: 1 } } as never,
      { sort, returnDocument: 'after' },
    )
    .lean<T>()
    .exec() as Promise<T | null>;
}
