import { createHash } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { decodeProtectedHeader } from 'jose';
import { AppError } from '@app/common';
import { ADMIN_ROLE, AuthUser } from './auth-user';
import { IdentityProviderTokens } from './identity-provider-tokens';
import { TokenSubjects } from './token-subjects';

const OBJECT_ID = /^[0-9a-f]{24}$/i;
const ALGORITHM = 'HS256';

interface AccessTokenClaims {
  sub?: unknown;
  roles?: unknown;
  exp?: unknown;
  iat?: unknown;
}

/** Which tokens are accepted: our own HS256 ones, the identity provider's, or both. */
export class TokenPolicy {
  constructor(
    readonly acceptHs256: boolean,
    readonly provider?: IdentityProviderTokens,
  ) {}
}

/**
 * Verifies access tokens (CONTRACT section 1). Our own: HS256 with AUTH_JWT_SECRET, `sub` the
 * user id, optional `roles`, `exp` honoured. The identity provider's (AUTH_JWKS_URL): RS256,
 * ES256 or EdDSA by its published keys, `iss`, `aud` and `exp` required, the user named by their
 * accountId in AUTH_ACCOUNT_CLAIM. The token's header says which it claims to be; a kind that is not
 * configured is refused. The HTTP guard and the socket handshake both use this; for anything but
 * the admin API the user must also exist (`verifyUser`).
 */
@Injectable()
export class TokenService {
  private readonly policy: TokenPolicy;

  constructor(
    private readonly jwt: JwtService,
    private readonly subjects: TokenSubjects,
    @Optional() policy?: TokenPolicy,
  ) {
    this.policy = policy ?? new TokenPolicy(true);
  }

  async verify(token: string | undefined): Promise<AuthUser> {
    if (!token) throw new AppError('UNAUTHENTICATED', 'Missing access token');
    let algorithm: unknown;
    try {
      algorithm = decodeProtectedHeader(token).alg;
    } catch {
      throw new AppError('UNAUTHENTICATED', 'Invalid access token');
    }
    if (algorithm === ALGORITHM && this.policy.acceptHs256) return this.verifyOwn(token);
    if (algorithm !== ALGORITHM && this.policy.provider) return this.verifyFromProvider(this.policy.provider, token);
    throw new AppError('UNAUTHENTICATED', 'Invalid access token');
  }

  /**
   * The provider's token names our user by accountId. An operator need not be a chat user (the
   * admin API is how users come to exist, docs/identity.md): a token with the admin role that
   * names no user, or an account nobody has, acts as the operator its `sub` names, under an id
   * derived from it (what the admin audit records). Such an id is nobody's, so every user-facing
   * route still answers USER_NOT_FOUND to it.
   */
  private async verifyFromProvider(provider: IdentityProviderTokens, token: string): Promise<AuthUser> {
    const identity = await provider.verify(token);
    const authenticatedAt = identity.authenticatedAt ?? identity.issuedAt;
    const times = {
      expiresAt: identity.expiresAt,
      ...(identity.issuedAt !== undefined ? { issuedAt: identity.issuedAt } : {}),
      ...(authenticatedAt !== undefined ? { authenticatedAt } : {}),
    };
    const userId = identity.accountId === undefined ? undefined : await this.subjects.userIdForAccount(identity.accountId);
    if (userId) return { userId, roles: identity.roles, ...times };
    if (identity.roles.includes(ADMIN_ROLE) && identity.subject !== undefined) return { userId: operatorId(identity.subject), roles: identity.roles, ...times };
    if (identity.accountId === undefined) throw new AppError('UNAUTHENTICATED', `Access token has no ${provider.accountClaim} claim`);
    throw new AppError('USER_NOT_FOUND');
  }

  private async verifyOwn(token: string): Promise<AuthUser> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims & object>(token, { algorithms: [ALGORITHM] });
    } catch (err) {
      const expired = (err as Error).name === 'TokenExpiredError';
      throw new AppError('UNAUTHENTICATED', expired ? 'Access token expired' : 'Invalid access token');
    }
    if (typeof claims.sub !== 'string' || !OBJECT_ID.test(claims.sub)) {
      throw new AppError('UNAUTHENTICATED', 'Access token has no valid subject');
    }
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    const user: AuthUser = { userId: claims.sub.toLowerCase(), roles };
    if (typeof claims.exp === 'number') user.expiresAt = claims.exp * 1000;
    if (typeof claims.iat === 'number') user.issuedAt = user.authenticatedAt = claims.iat * 1000;
    return user;
  }

  /**
   * A token of a user that exists (USER_NOT_FOUND, 401, otherwise), is not suspended
   * (ACCOUNT_SUSPENDED, 403) and was issued after the user's sessions were last revoked (401): what
   * every user-facing route and the socket handshake take. One read of the user by `_id`, so a
   * revocation or a suspension on any process holds on every process at once.
   */
  async verifyUser(token: string | undefined): Promise<AuthUser> {
    const user = await this.verify(token);
    const standing = await this.subjects.standing(user.userId);
    if (!standing) throw new AppError('USER_NOT_FOUND');
    if (standing.suspended) throw new AppError('ACCOUNT_SUSPENDED');
    if (standing.sessionsValidFrom !== null && (user.issuedAt === undefined || user.issuedAt < standing.sessionsValidFrom)) {
      throw new AppError('UNAUTHENTICATED', 'Access token revoked: sign in again');
    }
    return user;
  }

  /** Mints a token (development and administration: `npm run token`). */
  sign(user: Pick<AuthUser, 'userId' | 'roles'>, expiresIn: string): string {
    return this.jwt.sign({ sub: user.userId, roles: user.roles }, { algorithm: ALGORITHM, expiresIn: expiresIn as never });
  }
}

/** The id an operator who is not a chat user acts under: the first 96 bits of the SHA-256 of their provider `sub`, as hex. */
export function operatorId(subject: string): string {
  return createHash('sha256').update(`operator:${subject}`).digest().subarray(0, 12).toString('hex');
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
