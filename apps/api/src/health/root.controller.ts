import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/auth';
import { ApiEnvelope, AppConfig, Envelope, ok } from '@app/common';

export class WhereToGoDto {
  @ApiProperty({ example: '/docs', description: 'Swagger UI: the REST API, tried in the browser' })
  swaggerUi: string;

  @ApiProperty({ example: '/docs-json', description: 'The OpenAPI document' })
  openapi: string;

  @ApiProperty({ example: '/health', description: 'Database reachability; /health/live and /health/ready for orchestrators' })
  health: string;

  @ApiPropertyOptional({ example: '/demo', description: 'The demo web client (served in development, or with DEMO_PAGE=on)' })
  demoPage?: string;
}

/** `GET /`: not an API of its own, only where to go (someone who opens the server's address in a browser). */
@ApiTags('Health')
@Public()
@Controller()
export class RootController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @ApiOperation({ operationId: 'whereToGo', summary: 'Where to go: Swagger UI, the OpenAPI document, health, the demo page (no token needed)' })
  @ApiEnvelope(WhereToGoDto, { description: 'Links to what this server serves', message: 'Chat backend' })
  whereToGo(): Envelope<WhereToGoDto> {
    return ok('Chat backend: the REST API is described at /docs (Swagger UI); the socket protocol in docs/protocol.md', {
      swaggerUi: '/docs',
      openapi: '/docs-json',
      health: '/health',
      ...(this.config.demoPage ? { demoPage: '/demo' } : {}),
    });
  }
}
