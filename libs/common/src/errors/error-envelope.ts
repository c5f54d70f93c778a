import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AnyErrorDetails, ERROR_DEFINITIONS, ErrorCode } from './error-codes';

export class ErrorBodyDto {
  @ApiProperty({ enum: Object.keys(ERROR_DEFINITIONS), example: 'VALIDATION_FAILED' })
  code: ErrorCode;

  @ApiPropertyOptional({
    description: 'Machine-readable detail: for VALIDATION_FAILED, the failed fields ({field, errors})',
    type: 'array',
    items: { type: 'object', properties: { field: { type: 'string' }, errors: { type: 'array', items: { type: 'string' } } } },
    example: [{ field: 'phone', errors: ['phone must be an E.164 number, e.g. +6591234567'] }],
  })
  details?: AnyErrorDetails;

  @ApiPropertyOptional({ pattern: '^[A-Za-z0-9._:-]{1,64}$', description: 'Request id, also sent as the x-request-id header', example: 'b4c5e0d2-8f3a-4c1e-9b7d-2a6f0e5c1d3b' })
  requestId?: string;

  @ApiPropertyOptional({ pattern: '^[0-9a-f]{32}$', description: 'OpenTelemetry trace id of the request, when the server exports traces', example: '4bf92f3577b34da6a3ce929d0e0e4736' })
  traceId?: string;
}

export class ErrorEnvelopeDto {
  @ApiProperty({ example: false })
  success: false;

  @ApiProperty({ example: 'Request validation failed' })
  message: string;

  @ApiProperty({ type: ErrorBodyDto })
  error: ErrorBodyDto;
}

export function errorEnvelope(
  code: ErrorCode,
  message: string,
  details?: AnyErrorDetails,
  requestId?: string,
  traceId?: string,
): ErrorEnvelopeDto {
  const error: ErrorBodyDto = { code };
  if (details !== undefined) error.details = details;
  if (requestId) error.requestId = requestId;
  if (traceId) error.traceId = traceId;
  return { success: false, message, error };
}
