import { Module } from '@nestjs/common';
import { EmbeddedDatabase } from './embedded-database.service';

@Module({ providers: [EmbeddedDatabase], exports: [EmbeddedDatabase] })
export class EmbeddedDatabaseModule {}
