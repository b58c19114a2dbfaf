import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { writeFileAtomically } from './storage.files.ts';
import {
  type ByteRange,
  isSafeKey,
  type MediaStorage,
  mediaContentType,
  type ObjectInfo,
  type ObjectStream,
  resolveRange,
  type StoredObject,
} from './storage.port.ts';

/** Errors of reading a path that mean "no such object" (a missing file, or a folder where a file was asked for). */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

/** Media storage on local disk, under `<DATA_DIR>/media` by default. */
export class LocalMediaStorage implements MediaStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  #path(key: string): string {
    if (!isSafeKey(key)) throw new RangeError(`unsafe media key: ${key}`);
    return join(this.root, key);
  }

  async get(key: string): Promise<StoredObject | null> {
    if (!isSafeKey(key)) return null;
    try {
      const body = await readFile(this.#path(key));
      return { body, size: body.length, contentType: mediaContentType(key) };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    if (!isSafeKey(key)) return null;
    const s = await stat(this.#path(key)).catch((error: unknown) => {
      if (isMissing(error)) return null;
      throw error;
    });
    return s?.isFile() ? { size: s.size, contentType: mediaContentType(key) } : null;
  }

  async read(key: string, range?: ByteRange): Promise<ObjectStream | null> {
    const info = await this.stat(key);
    if (!info) return null;
    const { start, end } = resolveRange(info.size, range);
    const length = end - start + 1;
    // An empty object has no byte to start at (createReadStream's `end` is inclusive).
    const body = length > 0 ? createReadStream(this.#path(key), { start, end }) : Readable.from([]);
    return { body, length, size: info.size, contentType: info.contentType, start, end };
  }

  async put(key: string, body: Buffer | Readable): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomically(path, body);
  }

  async list(prefix: string): Promise<string[]> {
    const dir = this.#path(prefix);
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
      if (isMissing(error)) return [];
      throw error;
    });
    return (
      entries
        .filter((entry) => entry.isFile())
        .map((entry) => relative(this.root, join(entry.parentPath, entry.name)).split(sep).join('/'))
        // A `.tmp` file is a put still being written.
        .filter((key) => isSafeKey(key) && !key.endsWith('.tmp'))
        .sort()
    );
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    if ((await stat(path).catch(() => null))?.isFile()) await rm(path, { force: true });
  }

  async removePrefix(prefix: string): Promise<void> {
    await rm(this.#path(prefix), { recursive: true, force: true });
  }

  async workDir(prefix: string): Promise<string> {
    const path = this.#path(prefix);
    await mkdir(path, { recursive: true });
    return path;
  }
}
