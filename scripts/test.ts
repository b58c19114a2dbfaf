/**
 * The one test command (`npm test`): type check, lint, unit and integration suites
 * (embedded adapters always; PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set),
 * a production build of the web app, then the end-to-end suites in Chromium.
 * Ends with the plain line `N passed, N failed`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

interface StepResult {
  name: string;
  passed: number;
  failed: number;
}

const root = join(import.meta.dirname, '..');
const outDir = join(root, '.tmp', 'test-results');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const only = process.argv.slice(2);
const want = (step: string) => only.length === 0 || only.includes(step);

function run(command: string, args: string[], env: Record<string, string | undefined> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const bin = (name: string) => join(root, 'node_modules', '.bin', name);

async function check(name: string, command: string, args: string[]): Promise<StepResult> {
  process.stdout.write(`\n▶ ${name}\n`);
  const code = await run(command, args);
  return { name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 };
}

async function vitest(name: string, config: string): Promise<StepResult> {
  process.stdout.write(`\n▶ ${name}\n`);
  const output = join(outDir, `${name}.json`);
  const code = await run(bin('vitest'), [
    'run',
    '--config',
    config,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${output}`,
  ]);
  try {
    const report = JSON.parse(readFileSync(output, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numTotalTests: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    // A suite that failed to load has no tests to count: count it as a failure.
    const failed = report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
    const skipped = report.numPendingTests + report.numTodoTests;
    // Suites that need PostgreSQL or Redis are skipped only when those are not configured;
    // in CI both are, so a skip there means a suite silently stopped running.
    if (skipped > 0 && process.env.CI) {
      process.stdout.write(`${name}: ${skipped} skipped tests are not allowed in CI\n`);
      return { name, passed: report.numPassedTests, failed: failed + 1 };
    }
    if (skipped > 0)
      process.stdout.write(
        `${name}: ${skipped} tests skipped (set DATABASE_URL and REDIS_URL to run them)\n`,
      );
    return { name, passed: report.numPassedTests, failed };
  } catch {
    return { name, passed: 0, failed: 1 };
  }
}

async function servicesReachable(): Promise<string[]> {
  const problems: string[] = [];
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (process.env.CI) {
    if (!databaseUrl) problems.push('DATABASE_URL must be set in CI so the PostgreSQL suites run');
    if (!redisUrl) problems.push('REDIS_URL must be set in CI so the Redis suites run');
  }
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } catch (error) {
      problems.push(`PostgreSQL at DATABASE_URL is unreachable: ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => {});
    }
  }
  if (redisUrl) {
    const { Redis } = await import('ioredis');
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000 });
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      problems.push(`Redis at REDIS_URL is unreachable: ${(error as Error).message}`);
    } finally {
      redis.disconnect();
    }
  }
  return problems;
}

const results: StepResult[] = [];
const problems = await servicesReachable();
if (problems.length > 0) {
  for (const p of problems) process.stdout.write(`✗ ${p}\n`);
  results.push({ name: 'services', passed: 0, failed: problems.length });
} else {
  process.stdout.write(
    `Suites run on: PGlite + in-memory adapters${process.env.DATABASE_URL ? ' + PostgreSQL' : ''}${process.env.REDIS_URL ? ' + Redis' : ''}\n`,
  );
  if (want('typecheck'))
    results.push(await check('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']));
  if (want('lint')) results.push(await check('lint', bin('biome'), ['check', '.']));
  if (want('unit')) results.push(await vitest('unit', 'vitest.config.ts'));
  if (want('e2e')) {
    const build = await check('build-web', bin('vite'), ['build', 'packages/web', '--logLevel', 'warn']);
    results.push(build);
    if (build.failed === 0) results.push(await vitest('e2e', 'vitest.e2e.config.ts'));
  }
}

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write('\n');
for (const r of results)
  process.stdout.write(`  ${r.failed ? '✗' : '✓'} ${r.name}: ${r.passed} passed, ${r.failed} failed\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
