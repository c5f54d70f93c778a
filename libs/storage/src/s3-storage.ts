import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ClientConfig,
} from '@aws-sdk/client-s3';
import { S3Store } from '@tus/s3-store';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { AttachmentStorage, Delivery } from './attachment-storage';

export interface S3StorageOptions {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

/**
 * Attachments in an S3-compatible bucket (AWS S3, R2, GCS interoperability, MinIO, SeaweedFS): any
 * number of processes. Uploads go through @tus/s3-store (multipart uploads, resumable); downloads
 * stream through the API with its safety headers (deliver).
 */
export class S3AttachmentStorage implements AttachmentStorage {
  readonly datastore: S3Store;
  private readonly client: S3Client;

  constructor(private readonly options: S3StorageOptions) {
    const config: S3ClientConfig = {
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.accessKeyId && options.secretAccessKey ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } : undefined,
    };
    this.client = new S3Client(config);
    this.datastore = new S3Store({ partSize: 8 * 1024 * 1024, s3ClientConfig: { ...config, bucket: options.bucket } });
  }

  async prepare(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw err;
      await this.client.send(new CreateBucketCommand({ Bucket: this.options.bucket }));
    }
  }

  async head(key: string, bytes: number): Promise<Buffer> {
    return (await this.get(key, `bytes=0-${bytes - 1}`)) ?? Buffer.alloc(0);
  }

  async read(key: string): Promise<Buffer> {
    const body = await this.get(key);
    if (!body) throw new Error(`no object ${key}`);
    return body;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async putFile(key: string, path: string, contentType: string): Promise<void> {
    const { size } = await stat(path);
    await this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: createReadStream(path), ContentLength: size, ContentType: contentType }));
  }

  async remove(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    // An upload id: the object, tus's info object and any unfinished part.
    const objects = keys.flatMap((key) => [key, `${key}.info`, `${key}.part`]).map((Key) => ({ Key }));
    await this.client.send(new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: objects, Quiet: true } }));
  }

  /**
   * The object's bytes, streamed through the API: a presigned redirect could not carry the safety
   * headers every download has (`X-Content-Type-Options: nosniff`, the sandboxing CSP; S3 lets a
   * presigned GET override only Content-Type, Content-Disposition and a few caching headers), so
   * a file could be sniffed into a page on the bucket's origin. docs/decisions.md, issue 33.
   */
  async deliver(key: string): Promise<Delivery | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return { body: out.Body as Readable, length: out.ContentLength ?? 0 };
    } catch (err) {
      if (err instanceof NoSuchKey) return undefined;
      throw err;
    }
  }

  private async get(key: string, range?: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key, Range: range }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      if (err instanceof NoSuchKey) return undefined;
      throw err;
    }
  }
}
