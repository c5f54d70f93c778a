import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';
import { ADMIN_ROLE, AuthUser, REQUIRED_ROLES } from '@app/auth';
import type { AdminAuditEntry } from '@app/dal/moderation';
import { AdminAuditService } from './admin-audit.service';

/** Where @nestjs/swagger keeps an operation's ApiOperation options (its operationId names the action). */
const API_OPERATION = 'swagger/apiOperation';
const TARGET_KEYS = ['userId', 'memberId', 'messageId', 'reportId'] as const;

/**
 * Every admin action is kept in the audit trail: any request other than a read, to a route only
 * admins may call, is recorded once it succeeded and before the admin is answered (a failed
 * record fails the request, and admin actions are idempotent, so the retry records it). The
 * record names ids and a resolution only, never a request body.
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AdminAuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()]);
    if (!roles?.includes(ADMIN_ROLE) || request.method === 'GET' || request.method === 'HEAD' || !request.user) return next.handle();
    const operation = this.reflector.get<{ operationId?: string } | undefined>(API_OPERATION, context.getHandler());
    const user = request.user;
    return next.handle().pipe(
      switchMap((result) =>
        from(
          this.audit
            .record({
              actorId: user.userId,
              action: operation?.operationId ?? context.getHandler().name,
              method: request.method,
              route: request.routeOptions.url ?? request.url,
              targets: targetsOf(request, result),
              resolution: stringField(request.body, 'resolution') ?? null,
            })
            .then(() => result),
        ),
      ),
    );
  }
}

function targetsOf(request: FastifyRequest, result: unknown): AdminAuditEntry['targets'] {
  const targets: AdminAuditEntry['targets'] = {};
  for (const source of [request.params, request.query, request.body]) {
    for (const key of TARGET_KEYS) {
      const value = stringField(source, key);
      if (value !== undefined && targets[key] === undefined) targets[key] = value;
    }
  }
  // An action that made something (a user) names what it made.
  const created = stringField((result as { data?: unknown } | undefined)?.data, 'id');
  if (created !== undefined && targets.userId === undefined) targets.userId = created;
  return targets;
}

function stringField(source: unknown, key: string): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value = (source as Record<string, unknown>)[key];
  return typeof value === 'string' && value.length <= 64 ? value : undefined;
}
