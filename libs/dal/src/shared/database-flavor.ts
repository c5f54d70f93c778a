import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, Model, Types, UpdateQuery } from 'mongoose';

/**
 * Which server we talk to. MongoDB applies a conditional single-document update atomically;
 * FerretDB 1.x does not (its handler reads, applies and writes back outside a transaction), and it
 * answers only `{ _id: value }` filters from an index. Repositories ask this which way to write.
 */
@Injectable()
export class DatabaseFlavor implements OnModuleInit {
  private ferretDb = false;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    const info = await this.connection.db!.admin().command({ buildInfo: 1 });
    this.ferretDb = typeof info.ferretdbVersion === 'string';
  }

  /** true on MongoDB: `findOneAndUpdate({ _id, ...condition })` is an atomic compare-and-set. */
  get atomicConditionalUpdates(): boolean {
    return !this.ferretDb;
  }

  get name(): 'mongodb' | 'ferretdb' {
    return this.ferretDb ? 'ferretdb' : 'mongodb';
  }
}

export interface Condition<T> {
  /** The condition as a query filter (MongoDB evaluates it atomically with the update). */
  filter: object;
  /** The same condition in code (checked on FerretDB, under the document's lock). */
  holds: (doc: T) => boolean;
}

/**
 * Applies `update` to the document `id` if `condition` holds, and returns the document as it was
 * before (or null when the condition did not hold). On FerretDB the caller must hold the
 * document's lock (documentLocks), which makes the read-check-write one step in this process.
 */
export async function compareAndSet<R, T extends { _id: Types.ObjectId }>(
  flavor: DatabaseFlavor,
  model: Model<R>,
  id: Types.ObjectId,
  condition: Condition<T>,
  update: UpdateQuery<R>,
): Promise<T | null> {
  if (flavor.atomicConditionalUpdates) {
    return model.findOneAndUpdate({ _id: id, ...condition.filter }, update, { returnDocument: 'before' }).lean<T>();
  }
  const doc = await model.findById(id).lean<T>();
  if (!doc || !condition.holds(doc)) return null;
  await model.updateOne({ _id: id }, update);
  return doc;
}
