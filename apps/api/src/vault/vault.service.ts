import { Injectable } from '@nestjs/common';
import { AppError, FieldError, Throws } from '@app/common';
import { VaultRepository } from '@app/dal/vault';
import { VAULT_FIELDS, VaultField, vaultField, vaultValueProblem } from './vault-fields';

/** Interaction user data (CONTRACT section 6): a field with the user's value. */
export interface UserDataField {
  path: string;
  label: string;
  type: string;
  value: string | null;
  source?: 'vaultCurrentValue' | 'newValue';
}

export const MAX_DRFI_PATHS = 50;

/** The information vault: the field catalog, and each user's own values. */
@Injectable()
export class VaultService {
  constructor(private readonly vaults: VaultRepository) {}

  fields(): readonly VaultField[] {
    return VAULT_FIELDS;
  }

  /** The owner's values, in catalog order, as interaction user data. */
  async valuesOf(ownerId: string, paths?: string[]): Promise<UserDataField[]> {
    const values = await this.vaults.valuesOf(ownerId);
    const wanted = paths ? paths.map((p) => vaultField(p)!).filter(Boolean) : VAULT_FIELDS.filter((f) => values.has(f.path));
    return wanted.map((f) => ({ path: f.path, label: f.label, type: f.type, value: values.get(f.path)?.value ?? null }));
  }

  /** Removes the owner's vault, every value (erasure). */
  erase(ownerId: string): Promise<void> {
    return this.vaults.remove(ownerId);
  }

  /** Sets (or, with null, clears) some of the owner's values; every one is checked first. */
  @Throws('VALIDATION_FAILED')
  async update(ownerId: string, changes: { path: string; value: string | null }[]): Promise<UserDataField[]> {
    this.check(changes.map((c, i) => ({ at: `fields.${i}`, path: c.path, value: c.value, clearing: c.value === null })));
    await this.vaults.apply(ownerId, changes);
    return this.valuesOf(ownerId);
  }

  /** Writes the values of an accepted DRFI (its newValue fields) into the owner's vault, once per response. */
  async applyAccepted(ownerId: string, responseId: string, fields: { path: string; value: string }[]): Promise<void> {
    if (fields.length > 0) await this.vaults.apply(ownerId, fields, `drfi-response:${responseId}`);
  }

  /** DRFI request paths: known, no duplicates, 1 to MAX_DRFI_PATHS. */
  checkRequestPaths(paths: string[] | undefined): string[] {
    const problems: FieldError[] = [];
    if (!paths || paths.length === 0) problems.push({ field: 'drfiPaths', errors: ['drfiPaths must list at least one vault field path'] });
    else if (paths.length > MAX_DRFI_PATHS) problems.push({ field: 'drfiPaths', errors: [`drfiPaths must list at most ${MAX_DRFI_PATHS} paths`] });
    const seen = new Set<string>();
    (paths ?? []).forEach((path, i) => {
      if (!vaultField(path)) problems.push({ field: `drfiPaths.${i}`, errors: ['unknown vault field path'] });
      else if (seen.has(path)) problems.push({ field: `drfiPaths.${i}`, errors: ['duplicate path'] });
      seen.add(path);
    });
    if (problems.length) throw new AppError('VALIDATION_FAILED', `Validation failed: ${problems[0].errors[0]}`, problems);
    return paths!;
  }

  /** Checks submitted DRFI fields (known path, valid value for its type, no duplicate path). */
  checkSubmitted(fields: { path: string; value: string }[]): void {
    this.check(fields.map((f, i) => ({ at: `fields.${i}`, path: f.path, value: f.value, clearing: false })));
  }

  private check(items: { at: string; path: string; value: unknown; clearing: boolean }[]): void {
    const problems: FieldError[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const field = vaultField(item.path);
      if (!field) problems.push({ field: `${item.at}.path`, errors: ['unknown vault field path'] });
      else if (seen.has(item.path)) problems.push({ field: `${item.at}.path`, errors: ['duplicate path'] });
      else if (!item.clearing) {
        const problem = vaultValueProblem(field, item.value);
        if (problem) problems.push({ field: `${item.at}.value`, errors: [`${field.label} ${problem}`] });
      }
      seen.add(item.path);
    }
    if (problems.length) throw new AppError('VALIDATION_FAILED', `Validation failed: ${problems[0].errors[0]}`, problems);
  }
}
