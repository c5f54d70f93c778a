import type { Readable } from 'node:stream';
import type { DataStore } from '@tus/utils';

/** A stored object on its way to a client: its bytes, through us (with our safety headers). */
export interface Delivery {
  body: Readable;
  length: number;
}

export interface DeliveryHeaders {
  contentType: string;
  /** The file's name, for Content-Disposition. */
  fileName: string;
  /** `inline` (images, video, audio a page may show) or `attachment` (everything else). */
  disposition: 'inline' | 'attachment';
}

/**
 * Where attachment bytes live. An upload's bytes are the tus data store's, under the upload id
 * (uploads resume there); what the server makes from them (an image without its metadata, a
 * thumbnail) are objects of their own under `<id>.<variant>` keys. Two implementations: the local
 * file system (one process) and S3-compatible object storage (several processes).
 */
export interface AttachmentStorage {
  /** The tus data store uploads are written to. */
  readonly datastore: DataStore;
  /** The first `bytes` bytes of an object (for sniffing its type). */
  head(key: string, bytes: number): Promise<Buffer>;
  /** The whole object. */
  read(key: string): Promise<Buffer>;
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Stores a file's bytes under `key`, streamed (a data export's archive: larger than memory should hold). */
  putFile(key: string, path: string, contentType: string): Promise<void>;
  /** Removes objects (absent ones are fine) and, for an upload id, the upload's own records. */
  remove(keys: string[]): Promise<void>;
  /** How the object is handed to a client who holds a valid link. */
  deliver(key: string): Promise<Delivery | undefined>;
  /** Creates what the store needs (the directory, the bucket when allowed). */
  prepare(): Promise<void>;
}

export const ATTACHMENT_STORAGE = Symbol('AttachmentStorage');

/** Content-Disposition with the name both ways (RFC 6266: a plain fallback and the UTF-8 one). */
export function contentDisposition(headers: Pick<DeliveryHeaders, 'disposition' | 'fileName'>): string {
  const plain = headers.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${headers.disposition}; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(headers.fileName)}`;
}
