import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { JwtService } from '@nestjs/jwt';
import { ADMIN_ROLE, TokenService } from '@app/auth';
import { AppConfig } from '@app/common';

const USAGE = 'usage: npm run token -- --user <userId> [--admin] [--expires-in 12h]';

/** Mints an access token signed with the server's secret (AUTH_JWT_SECRET, or the development one). */
function main(): void {
  const { values } = parseArgs({
    options: {
      user: { type: 'string' },
      admin: { type: 'boolean', default: false },
      'expires-in': { type: 'string', default: '12h' },
    },
  });
  if (!values.user || !/^[0-9a-f]{24}$/i.test(values.user)) {
    console.error(`--user must be a user id (24 hex characters)\n${USAGE}`);
    process.exit(2);
  }
  const config = AppConfig.fromEnvironment();
  // Signing only: nothing here verifies a token, so no user is ever looked up.
  const signOnly = { standing: () => Promise.reject(new Error('the token CLI only signs')), userIdForAccount: () => Promise.reject(new Error('the token CLI only signs')) };
  const tokens = new TokenService(new JwtService({ secret: config.auth.jwtSecret }), signOnly);
  const roles = values.admin ? [ADMIN_ROLE] : [];
  console.log(tokens.sign({ userId: values.user.toLowerCase(), roles }, values['expires-in']));
}

main();
