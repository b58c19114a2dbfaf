import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { ErrorBody } from '@pnptv/protocol';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  LogController,
  type onResponseHookHandler,
} from 'fastify';
import { healthRoutes, type ReadinessCheck } from './health/health.routes.ts';
import { commonErrors } from './platform/errors.ts';
import { type Authenticator, createAuthHook, decoratePrincipal } from './platform/http/auth.ts';
import { installErrorHandler } from './platform/http/error-handler.ts';
import { registerSecurityHeaders, SWAGGER_UI_CSP } from './platform/http/security-headers.ts';
import { createValidatorCompiler } from './platform/http/validation.ts';
import { capLogger } from './platform/log.ts';
import { SERVER_ROOT } from './platform/package-root.ts';
import type { Platform } from './platform/platform.ts';

/** Everything the HTTP app needs: the platform, who authenticates requests, and the capabilities' route plugins. */
export interface AppDeps {
  platform: Platform;
  authenticator: Authenticator;
  /** Plugins mounted under `/api/v1`, one per capability. */
  apiRoutes: FastifyPluginAsync[];
  /** Plugins mounted at the root (for paths outside the versioned API). */
  rootRoutes?: FastifyPluginAsync[];
  /** Readiness checks beyond database, bus and cache, by name (`media` on an ingest node). */
  readiness?: Record<string, ReadinessCheck>;
}

const WEB_DIST = resolve(SERVER_ROOT, '../web/dist');

/** Builds the Fastify app. It never listens: main.ts does, so tests can use `inject()`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { platform } = deps;
  const { config } = platform;
  const app: FastifyInstance = Fastify({
    loggerInstance: capLogger(platform.log, 'http') as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
    // Request logs carry reqId explicitly; a child logger per request is a hot-path cost.
    childLoggerFactory: (logger) => logger,
  });
  app.setValidatorCompiler(createValidatorCompiler());
  installErrorHandler(app);
  app.addSchema(ErrorBody);
  await registerSecurityHeaders(app, config);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'PNPtv API',
        version: '1.0.0',
        description:
          'The PNPtv REST API. Authenticate server-to-server with an API key (`Authorization: Bearer <secret>`), from browsers with a user token, or with the session cookie plus `x-csrf-token` on the web app.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'API key secret (`sk_…`) or user token (JWT)',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'pnptv_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) || `def-${i}`,
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, validatorUrl: null },
    staticCSP: SWAGGER_UI_CSP,
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());

  const httpDuration = platform.metrics.httpDuration;
  // Label children cached per method/route/status: resolving labels on every observe is a hot-path cost.
  const durationByKey = new Map<string, { observe(seconds: number): void }>();
  const recordDuration: onResponseHookHandler = (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${route} ${reply.statusCode}`;
    let child = durationByKey.get(key);
    if (!child) {
      child = httpDuration.labels({ method: request.method, route, status: String(reply.statusCode) });
      durationByKey.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    if (reply.statusCode >= 500)
      request.log.warn({ reqId: request.id, url: request.url, status: reply.statusCode }, 'server error');
    else if (request.log.level === 'debug' || request.log.level === 'trace') {
      const ms = Math.round(reply.elapsedTime * 10) / 10;
      request.log.debug(
        { reqId: request.id, method: request.method, url: request.url, status: reply.statusCode, ms },
        'request',
      );
    }
    done();
  };

  decoratePrincipal(app);
  // Probes stay outside the scope with cookies, authentication and request metrics: they must
  // cost what a bare route costs, and scraping them would only measure the scraper.
  await app.register(async (root) => healthRoutes(root, platform, deps.readiness));
  const authenticate = createAuthHook(deps.authenticator);
  await app.register(async (scope) => {
    await scope.register(fastifyCookie);
    scope.addHook('onRequest', authenticate);
    scope.addHook('onResponse', recordDuration);
    for (const plugin of deps.rootRoutes ?? []) await scope.register(plugin);
    await scope.register(
      async (api) => {
        for (const plugin of deps.apiRoutes) await api.register(plugin);
      },
      { prefix: '/api/v1' },
    );
  });

  const webDist = config.webDistDir ? resolve(config.webDistDir) : WEB_DIST;
  const indexHtml = existsSync(join(webDist, 'index.html'))
    ? readFileSync(join(webDist, 'index.html'), 'utf8')
    : null;
  if (indexHtml) {
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: false,
      index: false,
      setHeaders: (res, path) => {
        res.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    if (servesWebApp(request.url) && indexHtml && (request.method === 'GET' || request.method === 'HEAD')) {
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
    }
    throw commonErrors.NOT_FOUND(`No route for ${request.method} ${request.url.split('?')[0]}`);
  });
  return app;
}

/**
 * Path prefixes that belong to machines, not to the web app: an unknown path under one of them
 * is a JSON 404 (API, federation and player clients read the status), never the app's HTML.
 */
const MACHINE_PREFIXES = ['/api/', '/auth/', '/.well-known/', '/hls/', '/vod/'];

/** Whether an unknown GET path is a page of the web app (answered with its index.html). */
export function servesWebApp(url: string): boolean {
  const path = url.split('?')[0] ?? url;
  if (path === '/api' || path === '/auth' || path === '/.well-known') return false;
  return !MACHINE_PREFIXES.some((prefix) => path.startsWith(prefix));
}
