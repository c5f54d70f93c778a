import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { Server } from '@tus/server';
import { AppConfig, AppError, errorEnvelope, ok, toAppError } from '@app/common';
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

  /** Hands a request to tus; a creation (POST) names the upload the controller created. */
  handle(req: IncomingMessage, res: ServerResponse, uploadId?: string): Promise<void> {
    if (uploadId) this.uploadIds.set(req, uploadId);
    return this.server.handle(req, res);
  }
}
