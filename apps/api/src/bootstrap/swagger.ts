import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ERROR_DEFINITIONS, ErrorCode, errorResponse } from '@app/common';
import { FileReportRequestDto } from '../moderation/dto/moderation.dto';
import { AddNetworkMemberRequestDto } from '../network/dto/network.dto';
import { TypingPayload } from '../chat/dto/ws/payloads';
import { TypingAckDto, TypingStanzaDto } from '../realtime/stanzas.dto';

/** The tags of the document, in the order Swagger UI shows them. */
const TAGS: [string, string][] = [
  ['Chat', "The customer's Chat REST API: conversations, history, messages, sync, DRFI"],
  ['Attachments', 'Photos, videos, voice notes and files: resumable uploads (tus 1.0), one-request uploads, and the signed links that serve them'],
  ['Network', "The caller's network: who they may chat with, invitations to join it, and the users they blocked"],
  ['Vault', "The caller's information vault (answers DRFI requests)"],
  ['Push', "The caller's FCM registration tokens"],
  ['Reports', 'Reporting a message or a user to the admins'],
  ['Privacy', "The caller's data rights: a copy of their data (an archive made in the background), and their account's erasure"],
  ['Admin', "Administration: users (revoke, suspend), links, reports and moderation, the audit trails, push tokens and recent pushes, users' data exports and erasures (admin role)"],
  ['Health', 'Liveness and database reachability'],
];

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Chat backend')
    .setDescription(
      'Chat REST API (conversations, messages, DRFI), network and administration. ' +
        'Authorize with a bearer token: `scripts/run seed` prints one for each demo user, `scripts/run token -- --user <id> [--admin]` mints one. ' +
        'Every error is the envelope `{ success: false, message, error: { code, details?, requestId? } }`.',
    )
    .setVersion('1')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const [name, description] of TAGS) builder.addTag(name, description);
  // Socket-only shapes no REST operation names (docs/asyncapi.json refers to them here).
  const extraModels = [TypingPayload, TypingAckDto, TypingStanzaDto];
  return withExactlyOneOf(withEdgeResponses(SwaggerModule.createDocument(app, builder.build(), { extraModels })));
}

/** Bodies whose fields are exclusive (the service refuses both and neither): stated as `oneOf`. */
const EXACTLY_ONE_OF: [string, string[]][] = [
  [AddNetworkMemberRequestDto.name, ['accountId', 'phone']],
  [FileReportRequestDto.name, ['messageId', 'userId']],
];

function withExactlyOneOf(document: OpenAPIObject): OpenAPIObject {
  for (const [schema, fields] of EXACTLY_ONE_OF) {
    const target = document.components!.schemas![schema] as { oneOf?: object[] };
    target.oneOf = fields.map((field) => ({ required: [field] }));
  }
  return document;
}

/**
 * What the edges can answer on any operation, before or around its handler (bootstrap/http-edges.ts,
 * the rate limiter, the database): documented on every operation it applies to, so a generated
 * client knows every status an operation returns.
 */
function withEdgeResponses(document: OpenAPIObject): OpenAPIObject {
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as [string, { parameters?: { in: string }[]; security?: unknown[]; responses: Record<string, unknown> }][]) {
      // A public operation says so (no security), rather than leaving it unsaid.
      operation.security ??= [];
      const edge: ErrorCode[] = ['RATE_LIMITED', 'HEADERS_TOO_LARGE', 'DATABASE_UNAVAILABLE', 'INTERNAL'];
      if (['post', 'put', 'delete'].includes(method)) edge.push('PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE');
      if (operation.parameters?.some((p) => p.in === 'path')) edge.push('URI_TOO_LONG');
      // A token from an identity provider is checked against its keys, which may not be reachable.
      if (operation.security.length > 0) edge.push('IDENTITY_PROVIDER_UNAVAILABLE');
      const byStatus = new Map<string, ErrorCode[]>();
      for (const code of edge) {
        const status = String(ERROR_DEFINITIONS[code].status);
        byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
      }
      for (const [status, codes] of byStatus) operation.responses[status] ??= errorResponse(codes);
    }
  }
  return document;
}

/** Swagger UI at /docs and the OpenAPI JSON at /docs-json, for internal admins. */
export function setupSwagger(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Chat backend API',
    swaggerOptions: { persistAuthorization: true },
  });
}
