import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { MASTER_PLAYLIST } from './hls-args.ts';
import { S3BucketClient, type S3BucketOptions } from './s3.bucket.ts';
import { writeFileAtomically } from './storage.files.ts';
import {
  type ByteRange,
  isSafeKey,
  type MediaStorage,
  mediaContentType,
  type ObjectInfo,
  type ObjectStream,
  type StoredObject,
} from './storage.port.ts';

/** Where an S3-compatible bucket is, how to sign for it, and where ffmpeg's working folders are staged. */
export interface S3Options extends S3BucketOptions {
  /** Local folder holding the working folders ffmpeg writes into before files are uploaded. */
  stagingDir: string;
  log: Logger;
  /** How often the working folders are scanned for finished files, ms. */
  scanEveryMs?: number;
}

/** Default scan period of the working folders, ms: short, since it adds to live latency. */
export const S3_SCAN_EVERY_MS = 200;
/** How many of a playlist's last names are checked on disk before it goes up (the segments ffmpeg may still be writing). */
const RECHECKED_NAMES = 3;

/** Upload order inside one scan: media before the playlists that name it. */
function uploadRank(path: string): number {
  if (!path.endsWith('.m3u8')) return 0;
  return path.endsWith(`${sep}${MASTER_PLAYLIST}`) ? 2 : 1;
}

/**
 * Media storage in an S3-compatible bucket, spoken to through the AWS SDK (`S3BucketClient`).
 * ffmpeg writes into local working folders (`workDir`) under the staging folder; a scanner
 * uploads every finished file (ffmpeg's `.tmp` files are skipped: it renames them when done),
 * segments and posters before variant playlists before the master, so a playlist never names
 * a segment that is not in the bucket yet. Files that disappear from a working folder (old live
 * segments, a live folder moved into a recording) are deleted from the bucket too, so the
 * bucket mirrors the working folders.
 */
export class S3MediaStorage implements MediaStorage {
  readonly #options: S3Options;
  readonly #staging: string;
  readonly #bucket: S3BucketClient;
  /** Staged files already in the bucket: relative path → `size:mtimeMs` when uploaded. */
  readonly #synced = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #scanning: Promise<void> | null = null;
  /** Serialises scans and writes, so an upload of a staged file never races a newer put of it. */
  #lock: Promise<unknown> = Promise.resolve();
  #failing = false;
  /** Called when an upload fails after working (true) and when uploads work again (false). */
  onUploadHealth: ((failing: boolean, error?: unknown) => void) | null = null;

  constructor(options: S3Options) {
    this.#options = options;
    this.#staging = resolve(options.stagingDir);
    this.#bucket = new S3BucketClient(options);
  }

  /** Whether the last scan failed to upload something. */
  get failing(): boolean {
    return this.#failing;
  }

  async get(key: string): Promise<StoredObject | null> {
    if (!isSafeKey(key)) return null;
    const object = await this.#bucket.get(key);
    return object && { body: object.body, ...object.info };
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    return isSafeKey(key) ? this.#bucket.head(key) : null;
  }

  async read(key: string, range?: ByteRange): Promise<ObjectStream | null> {
    return isSafeKey(key) ? this.#bucket.read(key, range) : null;
  }

  list(prefix: string): Promise<string[]> {
    if (!isSafeKey(prefix)) return Promise.reject(new RangeError(`unsafe media key: ${prefix}`));
    return this.#bucket.list(`${prefix}/`);
  }

  #exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#lock.then(run, run);
    this.#lock = result.catch(() => {});
    return result;
  }

  #staged(key: string): { path: string; rel: string } {
    if (!isSafeKey(key)) throw new RangeError(`unsafe media key: ${key}`);
    return { path: join(this.#staging, key), rel: key.split('/').join(sep) };
  }

  async put(key: string, body: Buffer | Readable): Promise<void> {
    const { path, rel } = this.#staged(key);
    await this.#exclusive(async () => {
      const hasFolder = await stat(dirname(path)).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!hasFolder) return this.#bucket.upload(key, body, mediaContentType(key));
      // A working folder's copy is rewritten too (then uploaded from), so the scanner does not
      // upload its older bytes.
      await writeFileAtomically(path, body);
      const version = await this.#uploadStaged(rel, false);
      if (version) this.#synced.set(rel, version);
    });
  }

  async delete(key: string): Promise<void> {
    const { path, rel } = this.#staged(key);
    return this.#exclusive(async () => {
      await rm(path, { force: true });
      this.#synced.delete(rel);
      await this.#bucket.delete(key);
    });
  }

  async removePrefix(prefix: string): Promise<void> {
    const { path, rel } = this.#staged(prefix);
    return this.#exclusive(async () => {
      await rm(path, { recursive: true, force: true });
      for (const synced of this.#synced.keys())
        if (synced.startsWith(`${rel}${sep}`)) this.#synced.delete(synced);
      await this.#bucket.deleteMany(await this.#bucket.list(`${prefix}/`));
    });
  }

  /**
   * Uploads the staged file at `rel` (relative to the staging folder), streamed from an open
   * handle so a rename of its folder meanwhile does not matter. Returns the version uploaded,
   * or null when the file is gone or (`waitForNamed`) is a playlist naming media not in the bucket yet.
   */
  async #uploadStaged(rel: string, waitForNamed: boolean): Promise<string | null> {
    const handle = await open(join(this.#staging, rel)).catch(() => null);
    if (!handle) return null;
    try {
      const s = await handle.stat();
      const key = rel.split(sep).join('/');
      const playlist = rel.endsWith('.m3u8');
      // Exactly the bytes stat saw: a segment ffmpeg is still writing grows while it is read.
      const body = playlist
        ? await handle.readFile()
        : s.size === 0
          ? Buffer.alloc(0)
          : handle.createReadStream({ autoClose: false, start: 0, end: s.size - 1 });
      if (waitForNamed && Buffer.isBuffer(body) && !(await this.#namesOnlyUploaded(rel, body))) return null;
      await this.#bucket.upload(
        key,
        body,
        mediaContentType(key),
        Buffer.isBuffer(body) ? body.length : s.size,
      );
      return `${s.size}:${s.mtimeMs}`;
    } finally {
      await handle.close().catch(() => {});
    }
  }

  async release(prefix: string): Promise<void> {
    if (!isSafeKey(prefix)) throw new RangeError(`unsafe media key: ${prefix}`);
    await this.flush();
    await this.#exclusive(async () => {
      const relPrefix = `${prefix.split('/').join(sep)}${sep}`;
      const local = join(this.#staging, prefix);
      const staged = await this.#walk(local);
      if (staged.some((f) => this.#synced.get(f.path) !== f.version))
        throw new Error(`media under ${prefix} is not uploaded yet`);
      for (const path of this.#synced.keys()) if (path.startsWith(relPrefix)) this.#synced.delete(path);
      await rm(local, { recursive: true, force: true });
    });
  }

  async workDir(prefix: string): Promise<string> {
    if (!isSafeKey(prefix)) throw new RangeError(`unsafe media key: ${prefix}`);
    const path = join(this.#staging, prefix);
    await mkdir(path, { recursive: true });
    this.#startScanning();
    return path;
  }

  #startScanning(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.flush(), this.#options.scanEveryMs ?? S3_SCAN_EVERY_MS);
    this.#timer.unref();
  }

  /** Uploads what is finished in the working folders and deletes what vanished from them; one scan at a time. */
  flush(): Promise<void> {
    this.#scanning ??= this.#exclusive(() => this.#scan()).finally(() => {
      this.#scanning = null;
    });
    return this.#scanning;
  }

  /** Stops scanning after a last scan, then closes the connections to the store. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#scanning;
    await this.flush();
    this.#bucket.close();
  }

  async #scan(): Promise<void> {
    const files = await this.#walk(this.#staging);
    const seen = new Set(files.map((f) => f.path));
    const changed = files
      .filter((f) => this.#synced.get(f.path) !== f.version)
      .sort((a, b) => uploadRank(a.path) - uploadRank(b.path));
    try {
      for (const file of changed) {
        const version = await this.#uploadStaged(file.path, true);
        if (version) this.#synced.set(file.path, version);
      }
      const vanished = [...this.#synced.keys()].filter((path) => !seen.has(path));
      await this.#bucket.deleteMany(vanished.map((path) => path.split(sep).join('/')));
      for (const path of vanished) this.#synced.delete(path);
      if (this.#failing) {
        this.#failing = false;
        this.#options.log.info('media uploads to the object store work again');
        this.onUploadHealth?.(false);
      }
    } catch (error) {
      if (!this.#failing) {
        this.#failing = true;
        this.#options.log.error({ err: error }, 'uploading media to the object store failed');
        this.onUploadHealth?.(true, error);
      }
    }
  }

  /**
   * A playlist may go up once every playlist or segment it names is in the bucket as it is now.
   * ffmpeg writes segments in place (not through `.tmp` files), so one uploaded while still being
   * written is in the bucket only in part: the last few names, the ones that can still be growing,
   * are checked against the files on disk.
   */
  async #namesOnlyUploaded(path: string, body: Buffer): Promise<boolean> {
    if (!path.endsWith('.m3u8')) return true;
    const base = dirname(path);
    const named = body
      .toString('utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('#') && !/^[a-z]+:/i.test(line))
      .map((uri) => join(base, uri));
    if (!named.every((file) => this.#synced.has(file))) return false;
    // Named playlists are refetched by players anyway: only segments must be whole.
    for (const file of named.filter((f) => !f.endsWith('.m3u8')).slice(-RECHECKED_NAMES)) {
      const s = await stat(join(this.#staging, file)).catch(() => null);
      if (s && this.#synced.get(file) !== `${s.size}:${s.mtimeMs}`) return false;
    }
    return true;
  }

  async #walk(dir: string): Promise<{ path: string; version: string }[]> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const out: { path: string; version: string }[] = [];
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) out.push(...(await this.#walk(full)));
      else if (entry.isFile() && !entry.name.endsWith('.tmp')) {
        const path = relative(this.#staging, full);
        if (!isSafeKey(path.split(sep).join('/'))) continue;
        const s = await stat(full).catch(() => null);
        if (s) out.push({ path, version: `${s.size}:${s.mtimeMs}` });
      }
    }
    return out;
  }
}
