import { Controller, Delete, Get, Head, HttpCode, HttpStatus, Options, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Metadata } from '@tus/utils';
import { AuthUser, CurrentUser, Public } from '@app/auth';
import { ApiEnvelope, ApiErrors, ApiErrorsOf, AppError, Envelope, OBJECT_ID_PATTERN, ok } from '@app/common';
import { contentDisposition } from '@app/storage';
import { AttachmentsService } from './attachments.service';
import { UploadedAttachmentDto } from './dto/attachment.dto';
import { AttachmentIdParamDto, AttachmentLinkParamDto, AttachmentLinkQueryDto } from './dto/attachment.request.dto';
import { TusUploads } from './tus-uploads';

const TUS_HEADERS = [
  { name: 'Tus-Resumable', required: true, description: '1.0.0' },
];

/**
 * Uploads (tus, resumable; or one multipart request), an attachment for its members, and the
 * signed links that serve its bytes. Thin: the service decides, TusUploads moves tus bytes.
 */
@ApiTags('Attachments')
@ApiBearerAuth()
@Controller('Chat/Attachments')
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly tus: TusUploads,
  ) {}

  @Post('Uploads')
  @ApiOperation({
    operationId: 'createUpload',
    summary: 'Start a resumable upload (tus 1.0 creation; creation-with-upload too)',
    description:
      'Upload-Length is the file size (at most ATTACHMENT_MAX_BYTES, 25 MB by default); Upload-Metadata carries receiverId (the other member), filename and filetype (the declared MIME type, checked against the bytes). Answers 201 with Location, the upload URL to PATCH and HEAD. Any tus client (tus-js-client, TUSKit, tus-android-client) does this.',
  })
  @ApiHeader({ name: 'Upload-Length', required: true, description: 'The file size in bytes' })
  @ApiHeader({ name: 'Upload-Metadata', required: true, description: 'tus metadata: `receiverId <base64>,filename <base64>,filetype <base64>`' })
  @ApiHeader(TUS_HEADERS[0])
  @ApiResponse({ status: 201, description: 'Created; Location is the upload URL' })
  @ApiErrorsOf(AttachmentsService, 'begin', 'UNAUTHENTICATED', 'TUS_VERSION_UNSUPPORTED')
  async create(@CurrentUser() me: AuthUser, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const metadata = parseMetadata(req.headers['upload-metadata']);
    const length = req.headers['upload-length'];
    const attachment = await this.attachments.begin(me.userId, {
      receiverId: metadata.receiverId ?? undefined,
      name: metadata.filename ?? metadata.name ?? undefined,
      declaredType: metadata.filetype ?? metadata.type ?? undefined,
      size: typeof length === 'string' && /^\d{1,16}$/.test(length) ? Number(length) : undefined,
    });
    await this.passToTus(req, reply, attachment.id);
  }

  @Public()
  @Options('Uploads')
  // tus answers this itself: the tus core protocol's capabilities (Tus-Version, Tus-Extension,
  // Tus-Max-Size) to a plain OPTIONS, and a browser's CORS preflight with the same CORS_ORIGINS.
  @RouteConfig({ cors: false })
  @ApiOperation({
    operationId: 'uploadCapabilities',
    summary: "The tus server's capabilities (tus core OPTIONS): Tus-Version, Tus-Extension, Tus-Max-Size; no token",
    security: [],
  })
  @ApiResponse({ status: 204, description: 'Tus-Resumable, Tus-Version, Tus-Extension and Tus-Max-Size headers' })
  async capabilities(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.passToTus(req, reply);
  }

  @Public()
  @Options('Uploads/:id')
  @RouteConfig({ cors: false })
  @ApiOperation({
    operationId: 'uploadCapabilitiesAt',
    summary: 'The same capabilities at an upload URL (and the CORS preflight of a PATCH, HEAD or DELETE there); nothing about the upload itself (its id is checked for form only); no token',
    security: [],
  })
  @ApiResponse({ status: 204, description: 'Tus-Resumable, Tus-Version, Tus-Extension and Tus-Max-Size headers' })
  @ApiErrors('VALIDATION_FAILED')
  async capabilitiesAt(@Param() _upload: AttachmentIdParamDto, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.passToTus(req, reply);
  }

  @Head('Uploads/:id')
  @ApiOperation({ operationId: 'getUploadOffset', summary: 'Where to resume: Upload-Offset is how many bytes the server has (tus)' })
  @ApiHeader(TUS_HEADERS[0])
  @ApiResponse({ status: 200, description: 'Upload-Offset and Upload-Length headers' })
  @ApiErrorsOf(AttachmentsService, 'ownUpload', 'UNAUTHENTICATED', 'VALIDATION_FAILED', 'TUS_VERSION_UNSUPPORTED')
  async offset(@CurrentUser() me: AuthUser, @Param() params: AttachmentIdParamDto, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.attachments.ownUpload(me.userId, params.id);
    await this.passToTus(req, reply);
  }

  @Patch('Uploads/:id')
  @ApiOperation({
    operationId: 'appendUpload',
    summary: 'Send bytes from Upload-Offset on (tus); the last ones answer 200 with the attachment, checked and ready to send',
  })
  @ApiConsumes('application/offset+octet-stream')
  @ApiHeader({ name: 'Upload-Offset', required: true, description: 'Where these bytes start (from HEAD)' })
  @ApiHeader(TUS_HEADERS[0])
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 204, description: 'Bytes stored; Upload-Offset is the new offset' })
  @ApiEnvelope(UploadedAttachmentDto, { description: 'The upload is complete and the attachment ready', message: 'Upload complete' })
  @ApiErrorsOf(AttachmentsService, 'complete', 'UNAUTHENTICATED', 'VALIDATION_FAILED', 'UPLOAD_OFFSET_MISMATCH', 'TUS_VERSION_UNSUPPORTED')
  async append(@CurrentUser() me: AuthUser, @Param() params: AttachmentIdParamDto, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.attachments.ownUpload(me.userId, params.id);
    await this.passToTus(req, reply);
  }

  @Delete('Uploads/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'cancelUpload', summary: 'Cancel an upload not sent in a message (tus termination); its bytes are removed' })
  @ApiResponse({ status: 204, description: 'Cancelled' })
  @ApiErrorsOf(AttachmentsService, 'cancel', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async cancel(@CurrentUser() me: AuthUser, @Param() params: AttachmentIdParamDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.attachments.cancel(me.userId, params.id);
    void reply.header('Tus-Resumable', '1.0.0');
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ operationId: 'uploadAttachment', summary: 'Upload a whole file in one request (multipart; not resumable: for Swagger UI and small files)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['receiverId', 'file'],
      properties: {
        receiverId: { type: 'string', pattern: OBJECT_ID_PATTERN, description: 'The other member of the conversation (before the file)' },
        file: { type: 'string', format: 'binary' },
      },
    },
  })
  @ApiEnvelope(UploadedAttachmentDto, { status: HttpStatus.CREATED, description: 'Checked and ready to send', message: 'Upload complete' })
  @ApiErrorsOf(AttachmentsService, 'uploadWhole', 'UNAUTHENTICATED', 'UNSUPPORTED_MEDIA_TYPE', 'MALFORMED_REQUEST')
  async upload(@CurrentUser() me: AuthUser, @Req() req: FastifyRequest): Promise<Envelope<UploadedAttachmentDto>> {
    if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data with receiverId and file');
    let part: Awaited<ReturnType<FastifyRequest['file']>>;
    let bytes: Buffer;
    try {
      part = await req.file();
      if (!part) throw new AppError('VALIDATION_FAILED', 'Validation failed: file is required', [{ field: 'file', errors: ['file is required'] }]);
      bytes = await part.toBuffer();
    } catch (err) {
      throw unreadableMultipart(err);
    }
    const receiverField = part.fields.receiverId;
    const receiverId = receiverField && 'value' in receiverField && typeof receiverField.value === 'string' ? receiverField.value : undefined;
    return ok('Upload complete', await this.attachments.uploadWhole(me.userId, { receiverId, name: part.filename, declaredType: part.mimetype }, bytes));
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getAttachment', summary: 'An attachment with fresh links: its uploader, or the other member once it is in a message' })
  @ApiEnvelope(UploadedAttachmentDto, { description: 'The attachment', message: 'Attachment' })
  @ApiErrorsOf(AttachmentsService, 'forMember', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async get(@CurrentUser() me: AuthUser, @Param() params: AttachmentIdParamDto): Promise<Envelope<UploadedAttachmentDto>> {
    return ok('Attachment', await this.attachments.forMember(me.userId, params.id));
  }

  @Public()
  @Get(':id/:variant')
  @ApiOperation({
    operationId: 'downloadAttachment',
    summary: 'The bytes behind a signed link (the url or thumbnailUrl of an attachment); no token: the link is the credential, until it expires',
    description: 'The bytes, from local storage or S3 alike, with the same safety headers (nosniff, a sandboxing Content-Security-Policy).',
    security: [],
  })
  @ApiResponse({ status: 200, description: 'The file', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrorsOf(AttachmentsService, 'deliver', 'VALIDATION_FAILED')
  async download(@Param() params: AttachmentLinkParamDto, @Query() query: AttachmentLinkQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const { delivery, headers, expires } = await this.attachments.deliver(params.id, params.variant, query.expires, query.signature);
    const maxAge = Math.max(0, expires - Math.floor(Date.now() / 1000));
    void reply
      .header('Cache-Control', `private, max-age=${maxAge}`)
      // Shown by a web frontend on another origin (<img>), never run as a page.
      .header('Cross-Origin-Resource-Policy', 'cross-origin')
      .header('Content-Security-Policy', "default-src 'none'; sandbox");
    await reply
      .header('Content-Type', headers.contentType)
      .header('Content-Length', delivery.length)
      .header('Content-Disposition', contentDisposition(headers))
      .send(delivery.body);
  }

  /** tus writes its own response on the raw socket; our request id and CORS policy go with it. */
  private async passToTus(req: FastifyRequest, reply: FastifyReply, uploadId?: string): Promise<void> {
    reply.raw.setHeader('x-request-id', req.id);
    reply.raw.setHeader('X-Content-Type-Options', 'nosniff');
    reply.hijack();
    await this.tus.handle(req.raw, reply.raw, uploadId);
  }
}

/**
 * What reading a multipart body failed with, as ours: too large is 413; anything the parser
 * refused (no boundary, a body cut off before its closing boundary, a malformed part) is the
 * client's 400, never a 500.
 */
function unreadableMultipart(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return new AppError('ATTACHMENT_TOO_LARGE');
  return new AppError('MALFORMED_REQUEST', 'The multipart body could not be read: it needs a boundary, and every part and the closing boundary in full');
}

/** tus Upload-Metadata (`key base64,key base64`); malformed is a 400 in our envelope. */
function parseMetadata(header: string | string[] | undefined): Record<string, string | null> {
  if (header === undefined) return {};
  try {
    return Metadata.parse(Array.isArray(header) ? header.join(',') : header) as Record<string, string | null>;
  } catch {
    throw new AppError('VALIDATION_FAILED', 'Validation failed: Upload-Metadata is not tus metadata', [{ field: 'Upload-Metadata', errors: ['must be key base64 pairs, comma-separated'] }]);
  }
}
