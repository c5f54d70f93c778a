import type { FieldError } from '../errors/error-codes';
import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError } from '../errors/app-error';

export type { FieldError };

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, errors: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/** The deepest nesting of arrays and objects any payload may have (ours need 4). */
export const MAX_PAYLOAD_DEPTH = 32;

/**
 * Whether `value` nests arrays or plain objects (what JSON makes) deeper than `limit`; iterative,
 * so any depth is safe to ask.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (!isJsonContainer(item)) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

function isJsonContainer(value: unknown): value is object {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Refuses over-deep payloads before class-transformer (which recurses) ever sees them. */
class BoundedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // What the pipe validates (bodies, queries, params; not a gateway's socket) is bounded.
    if (this.toValidate(metadata) && nestsDeeperThan(value, MAX_PAYLOAD_DEPTH)) {
      const field = metadata.type === 'body' ? 'body' : (metadata.data ?? metadata.type);
      const error = `nested deeper than ${MAX_PAYLOAD_DEPTH} levels`;
      throw new AppError('VALIDATION_FAILED', `Validation failed: ${field} ${error}`, [{ field, errors: [error] }]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The one validation pipe, for HTTP (global) and for gateways (bound there, since global pipes do
 * not reach them): over-deep payloads and unknown fields are refused, payloads become DTO instances.
 */
export function createValidationPipe(): ValidationPipe {
  return new BoundedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      const first = details[0]?.errors[0];
      return new AppError('VALIDATION_FAILED', first ? `Validation failed: ${first}` : undefined, details);
    },
  });
}
