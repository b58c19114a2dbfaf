import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Logger } from 'pino';
import { MASTER_PLAYLIST } from './hls-args.ts';
import { amzDate, type S3Credentials, sha256Hex, signV4, uriEncode } from './s3.sign.ts';
import { isSafeKey, type MediaStorage, type StoredObject } from './storage.port.ts';

/** Where an S3-compatible bucket is and how to sign for it (path-style addressing). */
export interface S3Options extends S3Credentials {
  /** Service origin, e.g. `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000`. */
  endpoint: string;
  bucket: string;
  /** Local folder holding the working folders ffmpeg writes into before files are uploaded. */
  stagingDir: string;
  log: Logger;
  /** How often the working folders are scanned for finished files, ms. */
  scanEveryMs?: number;
  /** Time one request may take, ms. */
  requestTimeoutMs?: number;
}

/** Default scan period of the working folders, ms: short, since it adds to live latency. */
export const S3_SCAN_EVERY_MS = 200;

/** Thrown when the object store answers a request with an error status. */
export class S3RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    what: string,
  ) {
    super(`S3 ${what} failed: ${status} ${code}`);
  }
}

const EMPTY_SHA256 = sha256Hex('');

/** Unescapes the five XML entities (S3 keys here are safe keys, so nothing else appears). */
function xmlText(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Keys and continuation token of one ListObjectsV2 page. */
export function parseListObjects(xml: string): { keys: string[]; next: string | null } {
  const keys = [...xml.matchAll(/<Contents>[\s\S]*?<Key>([\s\S]*?)<\/Key>[\s\S]*?<\/Contents>/g)].map((m) =>
    xmlText(m[1]!),
  );
  const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
  const token = /<NextContinuationToken>([\s\S]*?)<\/NextContinuationToken>/.exec(xml)?.[1];
  return { keys, next: truncated && token ? xmlText(token) : null };
}

/** Upload order inside one scan: media before the playlists that name it. */
function uploadRank(path: string): number {
  if (!path.endsWith('.m3u8')) return 0;
  return path.endsWith(`${sep}${MASTER_PLAYLIST}`) ? 2 : 1;
}

/**
 * Media storage in an S3-compatible bucket, spoken to with `fetch` and Signature V4.
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
  readonly #endpoint: string;
  /** Staged files already in the bucket: relative path → `size:mtimeMs` when uploaded. */
  readonly #synced = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #scanning: Promise<void> | null = null;
  /** Serialises scans and puts, so an upload of a staged file never races a newer put of it. */
  #lock: Promise<unknown> = Promise.resolve();
  #failing = false;
  /** Called when an upload fails after working (true) and when uploads work again (false). */
  onUploadHealth: ((failing: boolean, error?: unknown) => void) | null = null;

  constructor(options: S3Options) {
    this.#options = options;
    this.#staging = resolve(options.stagingDir);
    this.#endpoint = options.endpoint.replace(/\/+$/, '');
  }

  /** Whether the last scan failed to upload something. */
  get failing(): boolean {
    return this.#failing;
  }

  #url(key: string, query?: Record<string, string>): URL {
    const path = key === '' ? '' : `/${key.split('/').map(uriEncode).join('/')}`;
    const url = new URL(`${this.#endpoint}/${uriEncode(this.#options.bucket)}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url;
  }

  async #request(method: string, url: URL, body?: Buffer): Promise<Response> {
    const payloadHash = body ? sha256Hex(body) : EMPTY_SHA256;
    const headers: Record<string, string> = {
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': amzDate(new Date()),
    };
    const authorization = signV4({ method, url, headers, payloadHash }, this.#options);
    return fetch(url, {
      method,
      headers: { ...headers, authorization },
      body: body ? new Uint8Array(body) : undefined,
      signal: AbortSignal.timeout(this.#options.requestTimeoutMs ?? 15_000),
    });
  }

  async #fail(res: Response, what: string): Promise<never> {
    const text = await res.text().catch(() => '');
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? 'Unknown';
    throw new S3RequestError(res.status, code, what);
  }

  async get(key: string): Promise<StoredObject | null> {
    if (!isSafeKey(key)) return null;
    const res = await this.#request('GET', this.#url(key));
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) return this.#fail(res, `GET ${key}`);
    const body = Buffer.from(await res.arrayBuffer());
    return { body, size: body.length };
  }

  #exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#lock.then(run, run);
    this.#lock = result.catch(() => {});
    return result;
  }

  put(key: string, body: Buffer): Promise<void> {
    if (!isSafeKey(key)) return Promise.reject(new RangeError(`unsafe media key: ${key}`));
    return this.#exclusive(() => this.#put(key, body));
  }

  async #put(key: string, body: Buffer): Promise<void> {
    const staged = join(this.#staging, key);
    const hasFolder = await stat(dirname(staged)).then(
      (s) => s.isDirectory(),
      () => false,
    );
    // A working folder's copy is rewritten too, so the scanner does not upload its older bytes.
    if (hasFolder) await writeFile(staged, body);
    await this.#putObject(key, body);
    if (hasFolder) {
      const s = await stat(staged).catch(() => null);
      if (s) this.#synced.set(key.split('/').join(sep), `${s.size}:${s.mtimeMs}`);
    }
  }

  async #putObject(key: string, body: Buffer): Promise<void> {
    const res = await this.#request('PUT', this.#url(key), body);
    if (!res.ok) return this.#fail(res, `PUT ${key}`);
    await res.body?.cancel();
  }

  async #deleteObject(key: string): Promise<void> {
    const res = await this.#request('DELETE', this.#url(key));
    if (!res.ok && res.status !== 404) return this.#fail(res, `DELETE ${key}`);
    await res.body?.cancel();
  }

  /** Every key under `prefix/`, through ListObjectsV2 pages. */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | null = null;
    do {
      const query: Record<string, string> = { 'list-type': '2', prefix: `${prefix}/` };
      if (token) query['continuation-token'] = token;
      const res = await this.#request('GET', this.#url('', query));
      if (!res.ok) return this.#fail(res, `LIST ${prefix}`);
      const page = parseListObjects(await res.text());
      keys.push(...page.keys);
      token = page.next;
    } while (token);
    return keys;
  }

  removePrefix(prefix: string): Promise<void> {
    if (!isSafeKey(prefix)) return Promise.reject(new RangeError(`unsafe media key: ${prefix}`));
    return this.#exclusive(() => this.#removePrefix(prefix));
  }

  async #removePrefix(prefix: string): Promise<void> {
    const local = join(this.#staging, prefix);
    await rm(local, { recursive: true, force: true });
    const relPrefix = `${prefix.split('/').join(sep)}${sep}`;
    for (const path of this.#synced.keys()) if (path.startsWith(relPrefix)) this.#synced.delete(path);
    const keys = await this.list(prefix);
    for (let i = 0; i < keys.length; i += 8)
      await Promise.all(keys.slice(i, i + 8).map((key) => this.#deleteObject(key)));
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

  /** Stops scanning after a last scan. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#scanning;
    await this.flush();
  }

  async #scan(): Promise<void> {
    const files = await this.#walk(this.#staging);
    const seen = new Set(files.map((f) => f.path));
    const changed = files
      .filter((f) => this.#synced.get(f.path) !== f.version)
      .sort((a, b) => uploadRank(a.path) - uploadRank(b.path));
    try {
      for (const file of changed) {
        const body = await readFile(join(this.#staging, file.path)).catch(() => null);
        if (!body || !this.#namesOnlyUploaded(file.path, body)) continue;
        await this.#putObject(file.path.split(sep).join('/'), body);
        this.#synced.set(file.path, file.version);
      }
      for (const path of [...this.#synced.keys()]) {
        if (seen.has(path)) continue;
        await this.#deleteObject(path.split(sep).join('/'));
        this.#synced.delete(path);
      }
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

  /** A playlist may go up once every playlist or segment it names is in the bucket. */
  #namesOnlyUploaded(path: string, body: Buffer): boolean {
    if (!path.endsWith('.m3u8')) return true;
    const base = dirname(path);
    return body
      .toString('utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('#') && !/^[a-z]+:/i.test(line))
      .every((uri) => this.#synced.has(join(base, uri)));
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
