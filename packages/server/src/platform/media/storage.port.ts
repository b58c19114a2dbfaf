import type { Readable } from 'node:stream';

/** What is known of a stored object without reading it: its size in bytes and content type. */
export interface ObjectInfo {
  size: number;
  contentType: string;
}

/** A stored media object read whole: its bytes, size and content type. */
export interface StoredObject extends ObjectInfo {
  body: Buffer;
}

/** Bytes `start` to `end` of an object, both inclusive, as in an HTTP `Range` header; no `end` means to the last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

/** A stored object read as a stream, whole or a range of it. */
export interface ObjectStream {
  body: Readable;
  /** Bytes this stream yields. */
  length: number;
  /** Size of the whole object, bytes. */
  size: number;
  contentType: string;
  /** The bytes served, both inclusive (the requested range clipped to the object). */
  start: number;
  end: number;
}

/**
 * Where segments, playlists, posters and recordings live. Keys are `/`-separated paths such as
 * `live/<streamId>/0/seg_00001.ts`. The local-disk adapter also hands ffmpeg a folder to write
 * into directly; an object-store adapter uploads from such a working folder.
 *
 * A missing object is never an error: reads answer null and deletions do nothing. Unsafe keys
 * (see `isSafeKey`) read as missing and are refused with a RangeError by writes, as is a range
 * that starts past an object's end. Failures of the store itself are `MediaStorageError`s.
 */
export interface MediaStorage {
  /** The object at `key`, or null if there is none. */
  get(key: string): Promise<StoredObject | null>;
  /** Size and content type of the object at `key`, or null if there is none. */
  stat(key: string): Promise<ObjectInfo | null>;
  /** The object at `key` (or the `range` of it) as a stream, or null if there is none. */
  read(key: string, range?: ByteRange): Promise<ObjectStream | null>;
  /** Stores `body` at `key` (replacing what was there), its content type from the key's extension. */
  put(key: string, body: Buffer | Readable): Promise<void>;
  /** Every key under `prefix/`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Removes the object at `key`. */
  delete(key: string): Promise<void>;
  /** Removes every object under `prefix`. */
  removePrefix(prefix: string): Promise<void>;
  /** A local folder whose files are the objects under `prefix` (created if missing). */
  workDir(prefix: string): Promise<string>;
  /** Waits until the working folders' finished files are in storage (an object store uploads them in the background). */
  flush?(): Promise<void>;
  /** Object stores: uploads what is left of the working folder under `prefix`, then drops the local copy (the objects stay). */
  release?(prefix: string): Promise<void>;
  /** Object stores: called when background uploads start failing (true) and when they work again (false). */
  onUploadHealth?: ((failing: boolean, error?: unknown) => void) | null;
}

/** Stable codes of media storage failures: refused credentials, an unreachable or failing store, anything else. */
export type MediaStorageErrorCode =
  | 'MEDIA_STORAGE_DENIED'
  | 'MEDIA_STORAGE_UNAVAILABLE'
  | 'MEDIA_STORAGE_FAILED';

/** A failure of the store behind the port, translated from the vendor's error. */
export class MediaStorageError extends Error {
  constructor(
    readonly code: MediaStorageErrorCode,
    /** HTTP status the store answered with; 0 when no answer came. */
    readonly status: number,
    /** The store's own error code, e.g. S3's `SignatureDoesNotMatch`, or a socket error code. */
    readonly providerCode: string,
    what: string,
    options?: { cause?: unknown },
  ) {
    super(`media storage ${what} failed: ${code} (${status} ${providerCode})`, options);
    this.name = 'MediaStorageError';
  }
}

/** Keys are relative paths of safe segments only: no `..`, no empty parts, no backslashes. */
export function isSafeKey(key: string): boolean {
  if (key.length === 0 || key.length > 512 || key.startsWith('/') || key.includes('\\')) return false;
  return key
    .split('/')
    .every((part) => part.length > 0 && part !== '.' && part !== '..' && /^[A-Za-z0-9._-]+$/.test(part));
}

const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  aac: 'audio/aac',
  vtt: 'text/vtt',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  json: 'application/json',
};

/** Content type of a media key from its extension; `application/octet-stream` when unknown. */
export function mediaContentType(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return (dot > 0 && CONTENT_TYPES[name.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}

/** Whether `range` is well formed: whole non-negative byte offsets, `end` (when given) not before `start`. */
export function isValidRange(range: ByteRange): boolean {
  const { start, end } = range;
  return (
    Number.isSafeInteger(start) &&
    start >= 0 &&
    (end === undefined || (Number.isSafeInteger(end) && end >= start))
  );
}

/**
 * The inclusive byte span of `range` within an object of `size` bytes (the whole object without
 * a range; an end past the object is clipped). Throws a RangeError when nothing can be served.
 */
export function resolveRange(size: number, range?: ByteRange): { start: number; end: number } {
  if (!range) return { start: 0, end: size - 1 };
  if (!isValidRange(range) || range.start >= size)
    throw new RangeError(`range ${range.start}-${range.end ?? ''} is not satisfiable for ${size} bytes`);
  return { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) };
}
