import { Module } from '@nestjs/common';
import { DemoController } from './demo.controller';
import { DemoFiles } from './demo-files';

/** The demo web client (docs/demo.md): a page and its script, served in development (DEMO_PAGE). */
@Module({
  controllers: [DemoController],
  providers: [DemoFiles],
})
export class DemoModule {}
