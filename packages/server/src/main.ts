import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { buildApp } from './app.ts';
import { attachRealtime } from './chat/index.ts';
import { createAppDeps, createServices } from './composition.ts';
import { type Config, ConfigError, loadConfig } from './platform/config.ts';
import { openPGlite, openPostgres } from './platform/db/database.ts';
import { DataDirLockedError } from './platform/db/lock.ts';
import { migrate } from './platform/db/migrate.ts';
import { type MetricsServer, startMetricsServer } from './platform/http/metrics-endpoint.ts';
import { capLogger } from './platform/log.ts';
import type { MediaTools } from './platform/media/index.ts';
import { createPlatform } from './platform/platform.ts';
import { createIngest } from './streams/index.ts';
import { ledgerVerify } from './wallet/index.ts';

const USAGE = `Usage: pnptv <command> [options]

Commands:
  start                          Run the server (the roles in ROLES; all by default)
  migrate                        Apply database migrations and exit
  admin create --email E --password P [--name N]
                                 Create an instance admin (or promote an existing account)
  ledger verify                  Check every invariant of the coins ledger; exits 1 on any violation

Configuration comes from environment variables; see the README.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

/** Says which ffmpeg and ffprobe the ingest runs, with their versions, or why they cannot work. */
async function logMediaTools(tools: MediaTools, log: Logger): Promise<void> {
  const report = await tools.check();
  const summary = {
    ffmpeg: { path: report.ffmpeg.path, source: report.ffmpeg.source, version: report.ffmpeg.version },
    ffprobe: { path: report.ffprobe.path, source: report.ffprobe.source, version: report.ffprobe.version },
  };
  if (!report.ok)
    log.error(
      { ...summary, errors: [report.ffmpeg.error, report.ffprobe.error].filter(Boolean) },
      'ffmpeg/ffprobe unusable: live streams cannot be transcoded (apt-get install ffmpeg, or set FFMPEG_PATH / FFPROBE_PATH)',
    );
  else if (report.ffmpeg.source === 'bundled')
    log.warn(summary, 'media tools: running the npm-bundled ffmpeg, a 2018 build; apt-get install ffmpeg');
  else log.info(summary, 'media tools');
}

async function start(config: Config): Promise<void> {
  const platform = await createPlatform(config);
  const log = capLogger(platform.log, 'platform');
  const services = createServices(platform);
  const roles = new Set(config.roles);
  const deps = createAppDeps(platform, services);
  const app = roles.has('api') || roles.has('realtime') ? await buildApp(deps) : null;
  const ingest = roles.has('ingest') ? createIngest(platform, services.media, services.mediaTools) : null;
  if (ingest) void logMediaTools(services.mediaTools, capLogger(platform.log, 'streams'));
  // The gateway closes with the app (a preClose hook), before the platform it uses.
  if (app && roles.has('realtime'))
    await attachRealtime(app, { platform, chat: services.chat, authenticator: deps.authenticator });

  let metricsServer: MetricsServer | null = null;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests and jobs');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      // Ingest first: it ends live sessions and waits for every ffmpeg to exit.
      await ingest?.stop();
      await app?.close();
      await metricsServer?.close();
      await platform.close();
    } finally {
      clearTimeout(force);
    }
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  if (config.metricsPort !== null) {
    metricsServer = await startMetricsServer(platform.metrics, config.metricsPort, config.metricsHost);
    log.info({ port: metricsServer.port, host: config.metricsHost }, 'metrics listening');
  }
  if (roles.has('worker')) await platform.worker.start();
  if (ingest) await ingest.start(config.rtmpPort, config.host);
  if (app) {
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    // With PORT=0 the OS picks the port; links in mails and logs must carry the real one.
    if (config.publicUrlDerived && config.port === 0) config.publicUrl = `http://localhost:${port}`;
    log.info(
      { port, roles: config.roles, db: platform.database.kind, redis: Boolean(config.redisUrl) },
      'PNPtv is listening',
    );
    const setup = await services.identity.firstRunHint();
    const lines = [
      `\n  PNPtv is running at ${config.publicUrl}  (roles: ${config.roles.join(', ')}; port ${port})`,
    ];
    if (setup) lines.push(`  No admin yet. ${setup}`);
    lines.push(`  API reference: ${config.publicUrl}/api/docs\n`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } else {
    log.info({ roles: config.roles }, 'PNPtv started without HTTP');
  }
}

async function migrateOnly(config: Config): Promise<void> {
  const handle = config.databaseUrl ? openPostgres(config.databaseUrl) : await openPGlite(config.dataDir);
  try {
    const applied = await migrate(handle.db);
    process.stdout.write(
      applied.length ? `Applied migrations ${applied.join(', ')}\n` : 'Database is up to date\n',
    );
  } finally {
    await handle.close();
  }
}

async function adminCreate(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
    strict: true,
  });
  if (!values.email || !values.password) fail('admin create needs --email and --password');
  const platform = await createPlatform({ ...config, logLevel: 'warn' });
  try {
    const services = createServices(platform);
    const user = await services.identity.createAdmin({
      email: values.email,
      password: values.password,
      displayName: values.name ?? values.email.split('@')[0]!,
    });
    await platform.worker.drain();
    process.stdout.write(`Admin ready: ${user.email} (${user.id})\n`);
  } finally {
    await platform.close();
  }
}

/** `pnptv ledger verify`: prints OK, or each violation and exits 1. Reads only; does not migrate. */
async function ledgerVerifyCommand(config: Config): Promise<void> {
  const handle = config.databaseUrl ? openPostgres(config.databaseUrl) : await openPGlite(config.dataDir);
  let violations: Awaited<ReturnType<typeof ledgerVerify>>;
  try {
    violations = await ledgerVerify(handle.db);
  } finally {
    await handle.close();
  }
  if (violations.length === 0) {
    process.stdout.write('Ledger OK: every invariant holds\n');
    return;
  }
  for (const v of violations) process.stdout.write(`${v.invariant}\t${v.subject}\t${v.detail}\n`);
  fail(`Ledger verification failed: ${violations.length} violation(s)`);
}

async function main(argv: string[]): Promise<void> {
  const [command = 'start', ...rest] = argv;
  if (command === '--help' || command === 'help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = readConfig();
  switch (command) {
    case 'start':
      return start(config);
    case 'migrate':
      return migrateOnly(config);
    case 'admin':
      if (rest[0] === 'create') return adminCreate(config, rest.slice(1));
      return fail(USAGE);
    case 'ledger':
      if (rest[0] === 'verify') return ledgerVerifyCommand(config);
      return fail(USAGE);
    default:
      return fail(`Unknown command: ${command}\n\n${USAGE}`);
  }
}

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`Unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
  process.exit(1);
});

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof DataDirLockedError) fail(error.message);
  if (error instanceof Error && 'problems' in error) fail(error.message);
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
