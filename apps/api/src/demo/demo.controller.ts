import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@app/auth';
import { AppError } from '@app/common';
import { DemoFiles } from './demo-files';

/** GET /demo and its files. Not part of the API (not in the OpenAPI document); no token: the page signs in itself. */
@ApiExcludeController()
@Public()
@Controller('demo')
export class DemoController {
  constructor(private readonly files: DemoFiles) {}

  @Get()
  page(@Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.send(reply, 'index.html');
  }

  @Get(':file')
  file(@Param('file') name: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.send(reply, name);
  }

  private send(reply: FastifyReply, name: string): Buffer {
    const file = this.files.get(name);
    if (!file) throw new AppError('ROUTE_NOT_FOUND', `No such file of the demo page: ${name}`);
    void reply.type(file.type).header('cache-control', 'no-cache');
    return file.body;
  }
}
