import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../src/platform/config.ts';

/**
 * What can be checked of deploy/ without a Docker engine: nginx and systemd parse the shipped
 * files, the compose file has the services, roles and health checks the guide promises, and the
 * Dockerfile has the stages, user and health check it should. No image is built here.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const DEPLOY = join(ROOT, 'deploy');
const read = (name: string) => readFileSync(join(DEPLOY, name), 'utf8');

/** A tool CI installs (.ci/run): missing there fails the test; missing on a workstation skips the check. */
function tool(path: string): boolean {
  if (existsSync(path)) return true;
  if (process.env.CI) throw new Error(`${path} is missing: .ci/run installs it`);
  return false;
}

const work = mkdtempSync(join(tmpdir(), 'pnptv-deploy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the deploy kit', () => {
  it('ships an nginx.conf that nginx accepts, with websocket upgrades and /metrics closed', () => {
    const conf = read('nginx.conf');
    expect(conf).toMatch(/location \/realtime\/ \{[^}]*proxy_pass http:\/\/pnptv_web;/);
    expect(conf).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(conf).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(conf).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
    expect(conf).toMatch(/location = \/metrics \{\s*return 404;/);
    if (!tool('/usr/sbin/nginx')) return;
    // nginx resolves upstream names when it loads: outside compose, `web` becomes loopback, and
    // the certificate paths point at a throw-away self-signed pair. Nothing else changes.
    const cert = join(work, 'fullchain.pem');
    const key = join(work, 'privkey.pem');
    const openssl = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    expect(openssl.status, String(openssl.stderr)).toBe(0);
    const copy = conf
      .replace('server web:8080;', 'server 127.0.0.1:8080;')
      .replace('/etc/nginx/certs/fullchain.pem', cert)
      .replace('/etc/nginx/certs/privkey.pem', key);
    expect(copy).not.toContain('/etc/nginx/certs/');
    writeFileSync(join(work, 'nginx.conf'), copy);
    const run = spawnSync('/usr/sbin/nginx', ['-t', '-p', work, '-c', join(work, 'nginx.conf')], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('test is successful');
  });

  it('ships a hardened systemd unit that systemd-analyze verifies without a warning', () => {
    const unit = read('pnptv.service');
    for (const line of [
      'User=pnptv',
      'NoNewPrivileges=true',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/pnptv',
      'StateDirectory=pnptv',
      'PrivateTmp=true',
      'CapabilityBoundingSet=',
      'KillMode=mixed',
    ])
      expect(unit.split('\n')).toContain(line);
    if (!tool('/usr/bin/systemd-analyze')) return;
    // verify checks that ExecStart's program exists: point it at the Node running this test.
    const env = join(work, 'pnptv.env');
    writeFileSync(env, read('pnptv.env.example'));
    const copy = unit
      .replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `)
      .replace('EnvironmentFile=/etc/pnptv/pnptv.env', `EnvironmentFile=${env}`);
    writeFileSync(join(work, 'pnptv.service'), copy);
    const run = spawnSync('/usr/bin/systemd-analyze', ['verify', join(work, 'pnptv.service')], {
      encoding: 'utf8',
    });
    // verify exits 0 on unknown keys and bad values too, printing a warning: demand silence.
    expect({ status: run.status, output: `${run.stdout}${run.stderr}` }).toEqual({ status: 0, output: '' });
  });

  it('ships an env example the configuration accepts', () => {
    const env: Record<string, string> = {};
    for (const line of read('pnptv.env.example').split('\n')) {
      const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
      if (match) env[match[1]!] = match[2]!;
    }
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['PUBLIC_URL', 'DATABASE_URL', 'METRICS_PORT']));
    const config = loadConfig(env);
    expect(config.trustProxy).toBe(true);
    expect(config.metricsHost).toBe('127.0.0.1');
  });

  it('ships a compose file with the services, roles and health checks the guide describes', () => {
    const compose = parse(read('compose.yaml'), { merge: true }) as {
      services: Record<string, Service>;
      volumes: Record<string, unknown>;
    };
    interface Service {
      image?: string;
      build?: { context: string; dockerfile: string };
      environment?: Record<string, string>;
      env_file?: string;
      healthcheck?: { test: string[] };
      depends_on?: Record<string, { condition: string }>;
      ports?: string[];
      volumes?: string[];
    }
    const { services } = compose;
    expect(Object.keys(services).sort()).toEqual(['media', 'nginx', 'postgres', 'redis', 'web']);
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test[0], `${name} has a health check`).toBe('CMD');
      for (const [dependency, condition] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency], `${name} depends on a known service`).toBeDefined();
        expect(condition.condition).toBe('service_healthy');
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.')) expect(compose.volumes, `volume ${source}`).toHaveProperty(source);
        else expect(existsSync(join(DEPLOY, source)) || source === './certs', source).toBe(true);
      }
    }
    const roles = (name: string) => (services[name]!.environment?.ROLES ?? '').split(',');
    expect(roles('web')).toEqual(['api', 'realtime']);
    expect(roles('media')).toEqual(['ingest', 'worker']);
    for (const node of ['web', 'media']) {
      const service = services[node]!;
      expect(service.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
      expect(service.env_file).toBe('pnptv.env');
      expect(service.environment?.DATABASE_URL).toMatch(/^postgres:\/\/pnptv:.*@postgres:5432\/pnptv$/);
      expect(service.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(service.volumes).toContain('media:/var/lib/pnptv');
      expect(service.depends_on).toHaveProperty('postgres');
    }
    expect(services.web!.environment?.TRUST_PROXY).toBe('true');
    expect(services.media!.ports).toContain('1935:1935');
    expect(services.nginx!.volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
    expect(services.postgres!.image).toMatch(/^postgres:15/);
  });

  it('ships a two-stage Dockerfile that runs as a non-root user with a health check', () => {
    const lines = read('Dockerfile')
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((l) => l.trim() && !l.trimStart().startsWith('#'));
    const stages = lines.filter((l) => l.startsWith('FROM '));
    expect(stages).toEqual(['FROM node:24-bookworm-slim AS build', 'FROM node:24-bookworm-slim AS runtime']);
    const runtime = lines.slice(lines.indexOf(stages[1]!));
    const build = lines.slice(0, lines.indexOf(stages[1]!));
    expect(build.join('\n')).toMatch(/npm ci/);
    expect(build.join('\n')).toMatch(/npm run build:web.*npm run build:server.*npm prune --omit=dev/);
    expect(runtime.join('\n')).toMatch(/apt-get install -y --no-install-recommends ffmpeg/);
    const user = runtime.filter((l) => l.startsWith('USER '));
    expect(user).toEqual(['USER pnptv']);
    expect(runtime.some((l) => l.startsWith('HEALTHCHECK ') && l.includes('/healthz'))).toBe(true);
    // Only built artefacts reach the runtime stage, and each exists after a build.
    for (const copy of runtime.filter((l) => l.startsWith('COPY '))) {
      const match = /^COPY --from=build \/app\/(\S+) \S+$/.exec(copy);
      expect(match, copy).not.toBeNull();
      const path = match![1]!;
      if (!['node_modules', 'packages/server/dist', 'packages/web/dist'].includes(path))
        expect(existsSync(join(ROOT, path)), path).toBe(true);
    }
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['.git', '**/node_modules', 'data']));
  });
});
