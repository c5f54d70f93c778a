import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';

export interface DemoFile {
  type: string;
  body: Buffer;
}

/** The page's files, read once: its own (public/, copied beside the build) and the socket.io client it runs on. */
@Injectable()
export class DemoFiles {
  private readonly files = new Map<string, DemoFile>([
    ['index.html', { type: 'text/html; charset=utf-8', body: readFileSync(join(__dirname, 'public', 'index.html')) }],
    ['demo.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(join(__dirname, 'public', 'demo.js')) }],
    ['demo.css', { type: 'text/css; charset=utf-8', body: readFileSync(join(__dirname, 'public', 'demo.css')) }],
    ['socket.io.min.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(join(dirname(require.resolve('socket.io-client/package.json')), 'dist', 'socket.io.min.js')) }],
  ]);

  get(name: string): DemoFile | undefined {
    return this.files.get(name);
  }
}
