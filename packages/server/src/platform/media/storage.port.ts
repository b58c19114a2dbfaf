/** A stored media object: its bytes and size. */
export interface StoredObject {
  body: Buffer;
  size: number;
}

/**
 * Where segments, playlists, posters and recordings live. Keys are `/`-separated paths such as
 * `live/<streamId>/0/seg_00001.ts`. The local-disk adapter also hands ffmpeg a folder to write
 * into directly; an object-store adapter uploads from such a working folder.
 */
export interface MediaStorage {
  /** The object at `key`, or null if there is none. */
  get(key: string): Promise<StoredObject | null>;
  put(key: string, body: Buffer): Promise<void>;
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

/** Keys are relative paths of safe segments only: no `..`, no empty parts, no backslashes. */
export function isSafeKey(key: string): boolean {
  if (key.length === 0 || key.length > 512 || key.startsWith('/') || key.includes('\\')) return false;
  return key
    .split('/')
    .every((part) => part.length > 0 && part !== '.' && part !== '..' && /^[A-Za-z0-9._-]+$/.test(part));
}
