import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { JwtService } from '@nestjs/jwt';
import { ADMIN_ROLE, TokenService } from '@app/auth';
import { AppConfig } from '@app/common';
import { UsersService } from '../users/users.service';
import { flagsOrUsage, usageError, withCliContext } from './cli-context';

const USAGE = 'usage: scripts/run token -- --user <userId> [--admin] [--expires-in 12h] [--any-user]';

/**
 * Mints an access token signed with the server's secret (AUTH_JWT_SECRET, or the development one)
 * for a user that exists in the database. `--any-user` mints for any id without opening the
 * database (signing needs only the secret).
 */
async function main(): Promise<void> {
  const { values } = flagsOrUsage(
    () =>
      parseArgs({
        options: {
          user: { type: 'string' },
          admin: { type: 'boolean', default: false },
          'expires-in': { type: 'string', default: '12h' },
          'any-user': { type: 'boolean', default: false },
        },
      }),
    USAGE,
  );
  if (!values.user || !/^[0-9a-f]{24}$/i.test(values.user)) usageError('--user must be a user id (24 hex characters)', USAGE);
  const userId = values.user.toLowerCase();
  const config = AppConfig.fromEnvironment();
  const exists = values['any-user'] || (await withCliContext(config, [], async (app) => (await app.get(UsersService).standing(userId)) !== undefined));
  if (!exists) usageError(`no user ${userId} in the database (scripts/run seed creates demo users; --any-user mints one anyway)`, USAGE);
  // Signing only: nothing here verifies a token, so the subjects are never asked.
  const signOnly = { standing: () => Promise.reject(new Error('the token CLI only signs')), userIdForAccount: () => Promise.reject(new Error('the token CLI only signs')) };
  const tokens = new TokenService(new JwtService({ secret: config.auth.jwtSecret }), signOnly);
  console.log(tokens.sign({ userId, roles: values.admin ? [ADMIN_ROLE] : [] }, values['expires-in']));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
