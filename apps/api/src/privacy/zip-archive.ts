import { createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

/**
 * A zip archive written to a file as it is made (fflate): JSON documents compressed, files (photos,
 * videos: compressed already) stored as they are. Nothing is held but the entry being written.
 */
export class ZipArchive {
  private readonly out: WriteStream;
  private readonly zip: Zip;
  private readonly written: Promise<void>;
  private failure?: Error;

  constructor(private readonly path: string) {
    this.out = createWriteStream(path);
    let settle!: { resolve: () => void; reject: (err: Error) => void };
    this.written = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    this.out.on('error', (err) => {
      this.failure = err;
      settle.reject(err);
    });
    this.zip = new Zip((err, chunk, final) => {
      if (err) {
        this.failure = err;
        settle.reject(err);
        return;
      }
      this.out.write(chunk);
      if (final) this.out.end(() => settle.resolve());
    });
  }

  json(name: string, value: unknown): void {
    this.check();
    const entry = new ZipDeflate(name, { level: 6 });
    this.zip.add(entry);
    entry.push(Buffer.from(`${JSON.stringify(value, null, 2)}\n`), true);
  }

  file(name: string, bytes: Uint8Array): void {
    this.check();
    const entry = new ZipPassThrough(name);
    this.zip.add(entry);
    entry.push(bytes, true);
  }

  /** Finishes the archive; its size in bytes. */
  async close(): Promise<number> {
    this.check();
    this.zip.end();
    await this.written;
    return (await stat(this.path)).size;
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}

/** A file name safe as the last part of an archive path (no separators, no control characters, no dot names). */
export function archiveFileName(name: string): string {
  const unsafe = (c: string) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || '/\\:*?"<>|'.includes(c);
  const cleaned = [...name].map((c) => (unsafe(c) ? '_' : c)).join('').trim();
  return cleaned === '' || /^\.+$/.test(cleaned) ? 'file' : cleaned.slice(0, 150);
}
