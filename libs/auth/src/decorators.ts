import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ADMIN_ROLE, AuthUser } from './auth-user';

export const IS_PUBLIC = 'auth:isPublic';
export const REQUIRED_ROLES = 'auth:roles';

/** Marks a route that needs no access token (health, docs). Everything else does. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only callers whose token carries the `admin` role. */
export const AdminOnly = () => applyDecorators(SetMetadata(REQUIRED_ROLES, [ADMIN_ROLE]), ApiBearerAuth());

/** The verified caller, as the guard left it on the request. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  return context.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
