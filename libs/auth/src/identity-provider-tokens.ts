import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { AppError, IdentityProviderConfig } from '@app/common';

/** What the provider's keys may sign with: RSA, P-256 and Ed25519 (never `none`, never a shared secret). */
const PROVIDER_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

export interface ProviderIdentity {
  /** Our user's accountId, from the configured claim. */
  accountId: string;
  roles: string[];
  /** `exp`, in ms since the epoch (always present: the provider's tokens must expire). */
  expiresAt: number;
  /** `iat`, in ms since the epoch, when the token has one. */
  issuedAt?: number;
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

  async verify(token: string): Promise<ProviderIdentity> {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keys, {
        algorithms: PROVIDER_ALGORITHMS,
        issuer: this.config.issuer,
        audience: this.config.audience,
        requiredClaims: ['exp'],
        clockTolerance: this.config.clockSkewSeconds,
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new AppError('UNAUTHENTICATED', 'Access token expired');
      // The key set could not be fetched or read: the token may be fine, the provider is not.
      if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) throw new AppError('IDENTITY_PROVIDER_UNAVAILABLE');
      if (err instanceof errors.JOSEError) throw new AppError('UNAUTHENTICATED', 'Invalid access token');
      throw new AppError('IDENTITY_PROVIDER_UNAVAILABLE');
    }
    const accountId = claims[this.config.accountClaim];
    if (typeof accountId !== 'string' || accountId === '') {
      throw new AppError('UNAUTHENTICATED', `Access token has no ${this.config.accountClaim} claim`);
    }
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    return { accountId, roles, expiresAt: claims.exp! * 1000, ...(typeof claims.iat === 'number' ? { issuedAt: claims.iat * 1000 } : {}) };
  }
}
