/**
 * Bundles the server and the workspace packages it uses (protocol, sdk) into one ES module,
 * `packages/server/dist/main.js`, which `npm start` runs on plain Node: no TypeScript loader
 * thread, no transpiled sources held in memory, a faster start. Packages from node_modules
 * stay external and load as they are.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');

/** Where the bundle is written. */
export const SERVER_BUNDLE = join(root, 'packages', 'server', 'dist', 'main.js');

function dependencies(pkg: string): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {}).filter((name) => !name.startsWith('@pnptv/'));
}

/** Writes the bundle (with a source map beside it); takes well under a second. */
export async function buildServer(): Promise<string> {
  await build({
    entryPoints: [join(root, 'packages', 'server', 'src', 'main.ts')],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    sourcemap: true,
    external: [...new Set(['server', 'protocol', 'sdk'].flatMap(dependencies))],
    logLevel: 'warning',
  });
  return SERVER_BUNDLE;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await buildServer();
