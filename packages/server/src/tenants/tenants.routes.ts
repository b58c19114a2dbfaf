import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { Platform } from '../platform/platform.ts';
import { appRoutes } from './apps.routes.ts';
import { keyRoutes } from './keys.routes.ts';
import { teamRoutes } from './team.routes.ts';
import type { TenantService } from './tenants.service.ts';

/** Every tenants route under /api/v1: apps, scopes, API keys, user tokens, team and per-app audit. */
export function tenantRoutes(deps: { tenants: TenantService; platform: Platform }): FastifyPluginAsync {
  const plugins = [appRoutes(deps), keyRoutes(deps), teamRoutes(deps)];
  return async (app) => {
    for (const plugin of plugins) await app.register(plugin);
  };
}

/** How long clients and proxies may cache the key set, seconds (new keys are announced well before they sign). */
const JWKS_MAX_AGE_S = 300;

const Jwks = Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) });

/** `GET /.well-known/jwks.json`: the public keys that verify user tokens (mounted at the root, outside /api/v1). */
export function jwksRoutes(deps: { tenants: TenantService }): FastifyPluginAsync {
  const { tenants } = deps;
  return async (app) => {
    app.get(
      '/.well-known/jwks.json',
      {
        schema: {
          tags: ['tokens'],
          summary: 'Public keys that verify user tokens (JWKS)',
          security: [],
          response: { 200: Jwks },
        },
      },
      async (_request, reply) => {
        const body = await tenants.tokens.jwks();
        return reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_S}`).send(body);
      },
    );
  };
}
