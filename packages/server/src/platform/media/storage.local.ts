import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isSafeKey, type MediaStorage, type StoredObject } from './storage.port.ts';

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
      return { body, size: body.length };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
      throw error;
    }
  }

  async put(key: string, body: Buffer): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
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
