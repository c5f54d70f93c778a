import { applyDecorators, HttpStatus, Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ERROR_DEFINITIONS, ErrorCode } from '../errors/error-codes';
import { ErrorEnvelopeDto } from '../errors/error-envelope';
import { declaredErrors } from '../errors/throws';

interface EnvelopeOptions {
  status?: HttpStatus;
  description: string;
  /** The envelope's `message`, as the seed words it. */
  message: string;
  isArray?: boolean;
}

/** Documents a `{ success: true, message, data }` response whose data is `model`. */
export function ApiEnvelope(model: Type<unknown>, options: EnvelopeOptions): MethodDecorator & ClassDecorator {
  const data = options.isArray
    ? { type: 'array', items: { $ref: getSchemaPath(model) } }
    : { $ref: getSchemaPath(model) };
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({
      status: options.status ?? HttpStatus.OK,
      description: options.description,
      schema: {
        type: 'object',
        required: ['success', 'message', 'data'],
        properties: {
          success: { type: 'boolean', example: true },
          message: { type: 'string', example: options.message },
          data,
        },
      },
    }),
  );
}

/**
 * Documents the error responses of an endpoint: one response per HTTP status, listing every
 * registered code that can produce it, each with an example envelope. Name all of an endpoint's
 * codes in one call (a second call for the same status would replace the first). On a user route
 * (UNAUTHENTICATED without the admin guard's FORBIDDEN) the token check also refuses a token for a
 * user that does not exist (USER_NOT_FOUND) or is suspended (ACCOUNT_SUSPENDED).
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  const userRoute = codes.includes('UNAUTHENTICATED') && !codes.includes('FORBIDDEN');
  for (const code of new Set<ErrorCode>(userRoute ? [...codes, 'USER_NOT_FOUND', 'ACCOUNT_SUSPENDED'] : codes)) {
    const status = ERROR_DEFINITIONS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(ApiExtraModels(ErrorEnvelopeDto), ...[...byStatus].map(([status, statusCodes]) => ApiResponse({ status, ...errorResponse(statusCodes) })));
}

/** The documented response of these codes (all of one status): the envelope, an example per code. */
export function errorResponse(codes: ErrorCode[]) {
  return {
    description: codes.map((c) => `\`${c}\`: ${ERROR_DEFINITIONS[c].message}`).join('; '),
    content: {
      'application/json': {
        schema: { $ref: getSchemaPath(ErrorEnvelopeDto) },
        examples: Object.fromEntries(codes.map((c) => [c, { value: { success: false, message: ERROR_DEFINITIONS[c].message, error: { code: c } } }])),
      },
    },
  };
}

/**
 * The error responses of an endpoint that calls `type.method`: what that use case declared with
 * @Throws, plus what the edge adds (`edge`: the token guard's UNAUTHENTICATED, the validation
 * pipe's VALIDATION_FAILED, the admin guard's FORBIDDEN).
 */
export function ApiErrorsOf<T extends object>(type: { prototype: T }, method: keyof T & string, ...edge: ErrorCode[]): MethodDecorator & ClassDecorator {
  return ApiErrors(...new Set([...edge, ...declaredErrors(type, method)]));
}
