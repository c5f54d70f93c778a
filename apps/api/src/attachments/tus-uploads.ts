import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { Server } from '@tus/server';
import { NodeRequest, sendNodeResponse } from 'srvx/node';
import { AppConfig, AppError, type ErrorCode, errorEnvelope, ok, toAppError } from '@app/common';
import { AttachmentsService } from './attachments.service';

/** The path tus clients upload to (POST creates, PATCH /{id} appends, HEAD /{id} says where to resume). */
export const UPLOADS_PATH = '/Chat/Attachments/Uploads';
/** The Node request the Web Request tus sees was made from (srvx keeps it there). */
const nodeRequestOf = (req: Request) => (req as Request & { runtime?: { node?: { req: IncomingMessage } } }).runtime?.node?.req;

/**
 * The tus resumable-upload server (@tus/server) over the attachment store. The controller has
 * already authenticated the caller and checked the upload is theirs (or, on POST, created its
 * record); this only moves bytes and, when the last byte is in, has the upload checked and made
 * usable, answering the attachment in our envelope.
 */
@Injectable()
export class TusUploads {
  private readonly server: Server;
  private readonly logger = new Logger(TusUploads.name);
  /** The id the controller created the record of a checked POST under, by its request. */
  private readonly uploadIds = new WeakMap<IncomingMessage, string>();

  constructor(config: AppConfig, attachments: AttachmentsService) {
    this.server = new Server({
      path: UPLOADS_PATH,
      datastore: attachments.datastore,
      maxSize: config.attachments.maxBytes,
      relativeLocation: true,
      allowedOrigins: config.socket.corsOrigins,
      exposedHeaders: ['x-request-id'],
      namingFunction: (req) => {
        const node = nodeRequestOf(req);
        const id = node && this.uploadIds.get(node);
        if (!id) throw { status_code: 500, body: 'upload id missing\n' };
        return id;
      },
      onUploadFinish: async (_req, upload) => {
        try {
          const view = await attachments.complete(upload.id);
          return { status_code: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ok('Upload complete', view)) };
        } catch (err) {
          const error: AppError = toAppError(err);
          throw { status_code: error.status, body: JSON.stringify(errorEnvelope(error.code, error.message)) };
        }
      },
    });
  }

  /**
   * Hands a request to tus (a creation, POST, names the upload the controller created) and writes
   * its answer, a refusal in our envelope: tus's own are text.
   */
  async handle(req: IncomingMessage, res: ServerResponse, uploadId?: string): Promise<void> {
    if (uploadId) this.uploadIds.set(req, uploadId);
    const answer = await this.server.handleWeb(new NodeRequest({ req, res }));
    const requestId = res.getHeader('x-request-id');
    await sendNodeResponse(res, answer.status >= 400 ? await enveloped(answer, typeof requestId === 'string' ? requestId : undefined, this.logger) : answer);
  }
}

/** tus's text refusals, as our error codes (by status; a 400 names the header it refused). */
const TUS_REFUSALS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  403: 'FORBIDDEN',
  404: 'ATTACHMENT_NOT_FOUND',
  409: 'UPLOAD_OFFSET_MISMATCH',
  410: 'ATTACHMENT_NOT_FOUND',
  412: 'TUS_VERSION_UNSUPPORTED',
  413: 'ATTACHMENT_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * A tus refusal in our envelope, with tus's headers (Tus-Resumable, CORS) kept. An unsupported
 * `Tus-Resumable`, which tus answers 400, is the protocol's 412 with the version we speak.
 */
async function enveloped(answer: Response, requestId: string | undefined, logger: Logger): Promise<Response> {
  if (answer.headers.get('content-type')?.startsWith('application/json')) return answer;
  const said = (await answer.text()).trim();
  const headers = new Headers(answer.headers);
  headers.delete('content-length');
  headers.set('content-type', 'application/json; charset=utf-8');
  // Ours already (onUploadFinish refuses in the envelope), though tus sent it as text.
  if (said.startsWith('{"success":false')) return new Response(said, { status: answer.status, headers });
  const invalid = /^Invalid (.+)$/.exec(said)?.[1]?.split(' ') ?? [];
  let error: AppError;
  if (answer.status === 400 && invalid.includes('tus-resumable')) {
    error = new AppError('TUS_VERSION_UNSUPPORTED');
  } else {
    const code = TUS_REFUSALS[answer.status] ?? (answer.status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
    error =
      code === 'VALIDATION_FAILED'
        ? new AppError(code, `Validation failed: ${said}`, invalid.map((field) => ({ field, errors: [`${field} is not a valid tus header value`] })))
        : new AppError(code);
    // What tus said of an unexpected failure (a store that did not answer, say) is for the log, not the client.
    if (code === 'INTERNAL') logger.error({ status: answer.status, tus: said }, 'tus request failed');
  }
  if (error.code === 'TUS_VERSION_UNSUPPORTED') headers.set('Tus-Version', '1.0.0');
  return Response.json(errorEnvelope(error.code, error.message, error.details, requestId), { status: error.status, headers });
}
