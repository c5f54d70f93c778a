import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import type { AttachmentStorage, Delivery } from './attachment-storage';

const KEY = /^[A-Za-z0-9_-]+(\.[a-z]+)?$/;

/** Attachments as files in one directory (the embedded default: one process, DATA_DIR/attachments). */
export class LocalAttachmentStorage implements AttachmentStorage {
  readonly datastore: FileStore;

  constructor(private readonly directory: string) {
    this.datastore = new FileStore({ directory });
  }

  async prepare(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
  }

  async head(key: string, bytes: number): Promise<Buffer> {
    const file = await open(this.path(key), 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await file.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  read(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async put(key: string, body: Buffer): Promise<void> {
    await writeFile(this.path(key), body);
  }

  async putFile(key: string, path: string): Promise<void> {
    await copyFile(path, this.path(key));
  }

  async remove(keys: string[]): Promise<void> {
    for (const key of keys) {
      // An upload id: the tus store's file and its info record.
      await rm(this.path(key), { force: true });
      await rm(`${this.path(key)}.json`, { force: true });
    }
  }

  async deliver(key: string): Promise<Delivery | undefined> {
    try {
      const { size } = await stat(this.path(key));
      return { body: createReadStream(this.path(key)), length: size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private path(key: string): string {
    if (!KEY.test(key)) throw new Error(`not an attachment key: ${key}`);
    return join(this.directory, key);
  }
}
