import { fileTypeFromBuffer } from 'file-type';
import { parseBuffer } from 'music-metadata';
import sharp from 'sharp';
import { AppError } from '@app/common';
import type { AttachmentKind } from '@app/dal';

/** Bytes file-type needs to recognise any format it knows. */
export const SNIFF_BYTES = 4100;
const THUMBNAIL_EDGE = 320;

/** Names clients and file-type use for the same format, to one. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/mp3': 'audio/mpeg',
  'audio/x-aac': 'audio/aac',
  'video/x-m4v': 'video/mp4',
  'application/x-zip-compressed': 'application/zip',
};

export function normalizeMime(mime: string): string {
  const bare = mime.split(';')[0].trim().toLowerCase();
  return ALIASES[bare] ?? bare;
}

/** image, video or audio by the top-level type; everything else is a file. */
function categoryOf(mime: string): AttachmentKind {
  const top = mime.split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'file';
}

export interface Sniffed {
  mimeType: string;
  kind: AttachmentKind;
}

/**
 * The type the bytes are (never the client's word), refused when it is not allowed or when it
 * contradicts the declared type's category (a "photo" that is a PDF). Bytes no format claims are
 * plain text when they decode as UTF-8 without control bytes, else an unknown binary.
 */
export async function sniff(head: Buffer, declaredType: string | null, allowed: readonly string[]): Promise<Sniffed> {
  const detected = await fileTypeFromBuffer(head);
  const mimeType = detected ? normalizeMime(detected.mime) : looksLikeText(head) ? 'text/plain' : 'application/octet-stream';
  if (!allowed.includes(mimeType)) throw new AppError('ATTACHMENT_TYPE_NOT_ALLOWED', `Files of type ${mimeType} are not accepted`);
  if (declaredType && categoryOf(normalizeMime(declaredType)) !== categoryOf(mimeType)) {
    throw new AppError('ATTACHMENT_TYPE_MISMATCH', `The file was declared ${declaredType} but its bytes are ${mimeType}`);
  }
  return { mimeType, kind: categoryOf(mimeType) };
}

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  // A multi-byte character cut at the end of the sample is still text.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, Math.max(0, head.length - 3)));
  return !text.includes('\uFFFD') && ![...text].some((c) => isControl(c) && c !== '\t' && c !== '\n' && c !== '\r' && c !== '\f' && c !== '\v');
}

/** A C0 control character (U+0000 to U+001F). */
export const isControl = (c: string) => c.charCodeAt(0) < 0x20;

export interface ImageVersions {
  /** The image re-encoded without its metadata (EXIF GPS, camera serials), turned upright. */
  display: Buffer;
  thumbnail: Buffer;
  width: number;
  height: number;
}

/**
 * What other people download of a photo: its pixels, upright, in its own format, without EXIF, XMP
 * or ICC comments (sharp writes no metadata unless asked), and a WebP thumbnail at most 320 px.
 * Undefined when sharp cannot decode it (HEIC needs a codec the prebuilt sharp lacks): a file then.
 */
export async function imageVersions(original: Buffer, mimeType: string): Promise<ImageVersions | undefined> {
  const animated = mimeType === 'image/gif' || mimeType === 'image/webp';
  try {
    const pipeline = sharp(original, { animated, failOn: 'error' });
    const upright = animated ? pipeline : pipeline.rotate();
    const format = mimeType === 'image/png' ? 'png' : mimeType === 'image/gif' ? 'gif' : mimeType === 'image/webp' ? 'webp' : mimeType === 'image/avif' ? 'avif' : 'jpeg';
    const { data: display, info } = await upright.toFormat(format, format === 'jpeg' ? { quality: 90 } : {}).toBuffer({ resolveWithObject: true });
    const thumbnail = await sharp(display).resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toBuffer();
    return { display, thumbnail, width: info.width, height: info.pageHeight ?? info.height };
  } catch {
    return undefined;
  }
}

/** A video's or audio's duration from its container, without a transcoder; null when it does not say. */
export async function durationMs(bytes: Buffer, mimeType: string): Promise<number | null> {
  try {
    const { format } = await parseBuffer(bytes, { mimeType, size: bytes.length }, { skipCovers: true });
    return format.duration ? Math.round(format.duration * 1000) : null;
  } catch {
    return null;
  }
}
