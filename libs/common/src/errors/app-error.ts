import { ERROR_DEFINITIONS, ErrorCode } from './error-codes';

/** A domain error with a registered code. Services throw these; the edges serialise them. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERROR_DEFINITIONS[code].message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_DEFINITIONS[this.code].status;
  }
}
