import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AppError, IdentityProviderConfig } from '@app/common';

/** What the provider's keys may sign with: RSA, P-256 and Ed25519 (never `none`, never a shared secret). */
const PROVIDER_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

export interface ProviderIdentity {
  /** Our user's accountId, from the configured claim; undefined when the token has none (an operator's may not). */
  accountId?: string;
  /** `sub`: who the provider says signed in (names an operator who is not a chat user). */
  subject?: string;
  roles: string[];
  /** `exp`, in ms since the epoch (always present: the provider's tokens must expire). */
  expiresAt: number;
  /** `iat`, in ms since the epoch, when the token has one. */
  issuedAt?: number;
  /** When the person last signed in (OpenID Connect's `auth_time`, ms since the epoch), when the token says. */
  authenticatedAt?: number;
}

/**
 * Tokens from the deployer's identity provider (Firebase Authentication, Auth0, Cognito,
 * Keycloak): signed with keys published as a JWKS, checked for `iss`, `aud` and a required `exp`
 * with a small clock skew. jose fetches and caches the key set and refetches it when a token names
 * a key it does not hold (rotation).
 */
export class IdentityProviderTokens {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: IdentityProviderConfig) {
    this.keys = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: config.jwksCooldownMs, cacheMaxAge: config.jwksCacheSeconds * 1000 });
  }

  /**
   * The key for a token's header, from the key set. A key set that cannot be fetched or read (no
   * answer, a 5xx or 429, garbage) says nothing about the token: that is the provider being
   * unavailable. Only a key set in hand that lacks the token's key makes the token invalid.
   */
  private readonly keyFor: JWTVerifyGetKey = async (header, token) => {
    try {
      return await this.keys(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw new AppError('IDENTITY_PROVIDER_UNAVAILABLE');
    }
  };

  /** The claim that names our user's accountId (AUTH_ACCOUNT_CLAIM). */
  get accountClaim(): string {
    return this.config.accountClaim;
  }

  async verify(token: string): Promise<ProviderIdentity> {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keyFor, {
        algorithms: PROVIDER_ALGORITHMS,
        issuer: this.config.issuer,
        audience: this.config.audience,
        requiredClaims: ['exp'],
        clockTolerance: this.config.clockSkewSeconds,
      }));
    } catch (err) {
      if (err instanceof AppError) throw err; // the provider is unavailable (keyFor)
      if (err instanceof errors.JWTExpired) throw new AppError('UNAUTHENTICATED', 'Access token expired');
      if (err instanceof errors.JOSEError) throw new AppError('UNAUTHENTICATED', 'Invalid access token');
      throw new AppError('IDENTITY_PROVIDER_UNAVAILABLE');
    }
    const accountId = claims[this.config.accountClaim];
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    return {
      ...(typeof accountId === 'string' && accountId !== '' ? { accountId } : {}),
      ...(typeof claims.sub === 'string' && claims.sub !== '' ? { subject: claims.sub } : {}),
      roles,
      expiresAt: claims.exp! * 1000,
      ...(typeof claims.iat === 'number' ? { issuedAt: claims.iat * 1000 } : {}),
      ...(typeof claims.auth_time === 'number' ? { authenticatedAt: claims.auth_time * 1000 } : {}),
    };
  }
}
