import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from './server-process.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('the server process', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('lists every configuration problem and exits with status 1', async () => {
    const { code, output } = await runCli(['start'], {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://nope',
      ROLES: 'api,web',
    });
    expect(code).toBe(1);
    expect(output).toMatch(/Invalid configuration/);
    expect(output).toMatch(/PORT/);
    expect(output).toMatch(/DATABASE_URL/);
    expect(output).toMatch(/ROLES/);
  });

  it('refuses to open an embedded database another process holds, and shuts down cleanly on SIGTERM', async () => {
    const server = await startServer({ database: 'pglite' });
    const dataDir = server.dataDir;
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const second = await runCli(['migrate'], { DATA_DIR: dataDir });
      expect(second.code).toBe(1);
      expect(second.output).toMatch(/already open in process \d+/);
    } finally {
      await server.stop({ keepData: true });
    }
    expect(server.exitCode()).toBe(0);
    expect(existsSync(join(dataDir, 'pnptv.lock'))).toBe(false);
    // With the lock released, the CLI can use the same data directory.
    const admin = await runCli(
      ['admin', 'create', '--email', 'root@example.com', '--password', 'a long passphrase'],
      {
        DATA_DIR: dataDir,
      },
    );
    expect(admin.output).toMatch(/Admin ready: root@example.com/);
    expect(admin.code).toBe(0);
    dirs.push(dataDir);
  });

  it('creates a fresh data directory and migrates it from the CLI', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pnptv-cli-'));
    dirs.push(dataDir);
    const first = await runCli(['migrate'], { DATA_DIR: dataDir });
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/Applied migrations 1/);
    const again = await runCli(['migrate'], { DATA_DIR: dataDir });
    expect(again.output).toMatch(/up to date/);
  });
});
