import { AnyErrorDetails, ERROR_DEFINITIONS, ErrorCode, ErrorDetails } from './error-codes';

/** A domain error with a registered code. Services throw these; the edges serialise them. */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly details?: AnyErrorDetails;

  /** Details only where the code has a type for them (ErrorDetailsByCode). */
  constructor(
    readonly code: C,
    message?: string,
    ...details: [ErrorDetails<C>] extends [never] ? [] : [ErrorDetails<C>?]
  ) {
    super(message ?? ERROR_DEFINITIONS[code].message);
    this.name = 'AppError';
    if (details[0] !== undefined) this.details = details[0];
  }

  get status(): number {
    return ERROR_DEFINITIONS[this.code].status;
  }
}
