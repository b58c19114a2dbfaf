import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_ENV, SERVER_NODE_FLAGS } from './node-flags.ts';

describe('server node flags', () => {
  it('are the ones `npm start` runs the server with, in the same environment', () => {
    const manifest = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'package.json'), 'utf8'),
    ) as { scripts: Record<string, string> };
    const start = manifest.scripts.start ?? '';
    const env = Object.entries(SERVER_ENV).map(([name, value]) => `${name}=${value}`);
    expect(start).toContain(
      `${env.join(' ')} node ${SERVER_NODE_FLAGS.join(' ')} packages/server/dist/main.js start`,
    );
  });
});
