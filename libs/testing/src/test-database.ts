import { randomBytes } from 'node:crypto';

export const TEST_DATABASE_BASE_ENV = 'TEST_MONGODB_BASE_URI';

const MONGODB_URI = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/;

/** The URI of a database of its own for one test file (or one app in it). */
export function freshDatabaseUri(): string {
  const base = process.env[TEST_DATABASE_BASE_ENV];
  if (!base) throw new Error(`${TEST_DATABASE_BASE_ENV} is not set: run e2e tests through jest (global setup)`);
  const match = MONGODB_URI.exec(base);
  if (!match) throw new Error(`cannot derive a test database from ${base}`);
  return `${match[1]}/t_${randomBytes(6).toString('hex')}${match[2] ?? ''}`;
}
