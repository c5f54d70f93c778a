import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Chat backend')
    .setDescription(
      'Chat REST API (conversations, messages, DRFI), network and administration. ' +
        'Authorize with a bearer token: `npm run token -- --user <id> [--admin]` mints one.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs and the OpenAPI JSON at /docs-json, for internal admins. */
export function setupSwagger(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Chat backend API',
    swaggerOptions: { persistAuthorization: true },
  });
}
