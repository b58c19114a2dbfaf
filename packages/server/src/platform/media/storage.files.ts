import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Writes `body` to a `.tmp` file beside `path`, then renames it over `path`, so a reader (or
 * the S3 adapter's scanner, which skips `.tmp` files) sees the old bytes or the new ones, never half.
 */
export async function writeFileAtomically(path: string, body: Buffer | Readable): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    if (Buffer.isBuffer(body)) await writeFile(temp, body);
    else await pipeline(body, createWriteStream(temp));
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}
