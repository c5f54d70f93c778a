import type { FieldError } from '../errors/error-codes';
import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError } from '../errors/app-error';

export type { FieldError };

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, errors: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/**
 * The one validation pipe, for HTTP (global) and for gateways (bound there, since global pipes do
 * not reach them): unknown fields are refused, payloads become DTO instances.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
