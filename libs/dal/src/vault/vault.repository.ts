import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { conditionalUpdate } from '../shared/conditional-update';
import { isDuplicateKeyError, toObjectId } from '../shared/ids';
import { VaultEntry, VaultRecord } from './vault.schema';

type LeanVault = VaultRecord & { _id: Types.ObjectId };

/** How many once-only keys a vault remembers (a DRFI is finished long before this many more arrive). */
const MAX_APPLIED_ONCE = 200;

export interface VaultChange {
  path: string;
  /** null removes the value. */
  value: string | null;
}

/** Vault values by owner: every method takes the owner, and there is no other way in. */
@Injectable()
export class VaultRepository {
  constructor(
    @InjectModel(VaultRecord.name) private readonly model: Model<VaultRecord>,
  ) {}

  async valuesOf(ownerId: string): Promise<Map<string, VaultEntry>> {
    const doc = await this.model.findById(toObjectId(ownerId)).lean<LeanVault>();
    return new Map((doc?.entries ?? []).map((e) => [e.path, e]));
  }

  /** Removes the owner's vault (erasure). */
  async remove(ownerId: string): Promise<void> {
    await this.model.deleteOne({ _id: toObjectId(ownerId) });
  }

  /**
   * Applies the changes to the owner's vault as one write (compare-and-set on the version). With
   * `onceFor`, a write already applied under that key changes nothing.
   */
  async apply(ownerId: string, changes: VaultChange[], onceFor?: string): Promise<Map<string, VaultEntry>> {
    const _id = toObjectId(ownerId);
    for (;;) {
      const doc = await this.model.findById(_id).lean<LeanVault>();
      const entries = new Map((doc?.entries ?? []).map((e) => [e.path, e]));
      if (onceFor && doc?.appliedOnce?.includes(onceFor)) return entries;
      const now = new Date();
      for (const change of changes) {
        if (change.value === null) entries.delete(change.path);
        else entries.set(change.path, { path: change.path, value: change.value, updatedAt: now });
      }
      const appliedOnce = onceFor ? [...(doc?.appliedOnce ?? []), onceFor].slice(-MAX_APPLIED_ONCE) : (doc?.appliedOnce ?? []);
      const next = { entries: [...entries.values()], appliedOnce, version: (doc?.version ?? 0) + 1 };
      if (!doc) {
        try {
          await this.model.create({ _id, ...next });
          return entries;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
          continue; // created meanwhile by another process: apply on top of it
        }
      }
      const version = doc.version;
      const before = await conditionalUpdate<VaultRecord, LeanVault>(this.model, _id, { version }, { $set: next });
      if (before) return entries;
    }
  }
}
