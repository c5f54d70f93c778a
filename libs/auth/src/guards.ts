import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError } from '@app/common';
import { ADMIN_ROLE, AuthUser } from './auth-user';
import { IS_PUBLIC, REQUIRED_ROLES } from './decorators';
import { bearerToken, TokenService } from './token.service';

type AuthenticatedRequest = FastifyRequest & { user?: AuthUser };

/** Global: every HTTP route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    // Operators need not be chat users (the admin API is how users come to exist); everyone else must be one.
    const adminOnly = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()])?.includes(ADMIN_ROLE);
    request.user = adminOnly ? await this.tokens.verify(token) : await this.tokens.verifyUser(token);
    return true;
  }
}

/** Global: routes marked with required roles (see @AdminOnly) refuse callers without them (403). */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required?.length) return true;
    const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (!user || !required.every((role) => user.roles.includes(role))) {
      throw new AppError('FORBIDDEN', 'This endpoint is for administrators');
    }
    return true;
  }
}
