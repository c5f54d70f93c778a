import type { Logger } from '@nestjs/common';
import { AnyErrorDetails, ErrorCode } from './error-codes';
import { toAppError } from './to-app-error';

/** The socket form of an error (CONTRACT section 5): every refusal is acknowledged, never dropped. */
export interface ErrorAck {
  status: 'error';
  uniqueid?: string;
  error: { code: ErrorCode; message: string; details?: AnyErrorDetails };
}

export function errorAck(err: unknown, uniqueid?: unknown): ErrorAck {
  const error = toAppError(err);
  const ack: ErrorAck = { status: 'error', error: { code: error.code, message: error.message } };
  if (error.details !== undefined) ack.error.details = error.details;
  if (typeof uniqueid === 'string') ack.uniqueid = uniqueid;
  return ack;
}

/**
 * Runs one stanza's work and answers with its ack, or with the error ack of what it threw; an
 * INTERNAL one is logged with its cause (the ack says only that something unexpected happened).
 */
export async function ackOrError<T>(uniqueid: unknown, work: () => Promise<T>, logger: Pick<Logger, 'error'>): Promise<T | ErrorAck> {
  try {
    return await work();
  } catch (err) {
    const ack = errorAck(err, uniqueid);
    if (ack.error.code === 'INTERNAL') logger.error({ err }, 'stanza failed');
    return ack;
  }
}
