import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { requirePrincipal } from '../platform/http/auth.ts';
import {
  AUTHED_ERRORS,
  EmptyBody,
  errorResponses,
  Id,
  IsoDate,
  Page,
  PageQuery,
} from '../platform/http/schemas.ts';
import { AppParams, callerOf } from './apps.routes.ts';
import {
  ApiKeySchema,
  CreateKeyBody,
  KeyWithSecretSchema,
  keyJson,
  MintTokenBody,
  pageOf,
} from './tenants.schemas.ts';
import type { TenantService } from './tenants.service.ts';

const KeyParams = Type.Object({ appId: Id, keyId: Id });

/** API keys of an app, and user tokens minted with them. */
export function keyRoutes(deps: { tenants: TenantService }): FastifyPluginAsync {
  const { tenants } = deps;
  return async (app) => {
    const tags = ['keys'];

    app.get(
      '/apps/:appId/keys',
      {
        schema: {
          tags,
          summary: 'List the app’s API keys, revoked ones included (API keys need keys:read)',
          params: AppParams,
          querystring: PageQuery,
          response: { 200: Page(ApiKeySchema), ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request) => {
        const { appId } = request.params as { appId: string };
        const { limit, cursor } = request.query as { limit: number; cursor?: string };
        await tenants.authorizeApp(requirePrincipal(request), appId, { role: 'viewer', scope: 'keys:read' });
        const rows = await tenants.keys.list(appId, limit, cursor);
        return pageOf(rows, limit, (k) => k.id, keyJson);
      },
    );

    app.post(
      '/apps/:appId/keys',
      {
        schema: {
          tags,
          summary:
            'Create an API key; its secret is returned this once (admin or owner; API keys need keys:write)',
          params: AppParams,
          body: CreateKeyBody,
          response: { 201: KeyWithSecretSchema, ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request, reply) => {
        const { appId } = request.params as { appId: string };
        const caller = callerOf(request);
        await tenants.authorizeApp(caller.principal, appId, { role: 'admin', scope: 'keys:write' });
        const { key, secret } = await tenants.keys.create(
          caller,
          appId,
          request.body as { name: string; scopes: string[] },
        );
        return reply.status(201).send({ key: keyJson(key), secret });
      },
    );

    app.post(
      '/apps/:appId/keys/:keyId/rotate',
      {
        schema: {
          body: EmptyBody,
          tags,
          summary: 'Give a key a new secret; the old one stops working at once',
          params: KeyParams,
          response: { 200: KeyWithSecretSchema, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
        },
      },
      async (request) => {
        const { appId, keyId } = request.params as { appId: string; keyId: string };
        const caller = callerOf(request);
        await tenants.authorizeApp(caller.principal, appId, { role: 'admin', scope: 'keys:write' });
        const { key, secret } = await tenants.keys.rotate(caller, appId, keyId);
        return { key: keyJson(key), secret };
      },
    );

    app.delete(
      '/apps/:appId/keys/:keyId',
      {
        schema: {
          tags,
          summary: 'Revoke a key for good',
          params: KeyParams,
          response: { 204: Type.Null(), ...errorResponses(...AUTHED_ERRORS, 404, 409) },
        },
      },
      async (request, reply) => {
        const { appId, keyId } = request.params as { appId: string; keyId: string };
        const caller = callerOf(request);
        await tenants.authorizeApp(caller.principal, appId, { role: 'admin', scope: 'keys:write' });
        await tenants.keys.revoke(caller, appId, keyId);
        return reply.status(204).send();
      },
    );

    app.post(
      '/apps/:appId/tokens',
      {
        schema: {
          tags: ['tokens'],
          summary:
            'Mint a user token (JWT) for one of your users (API keys need tokens:mint; people admin or owner)',
          params: AppParams,
          body: MintTokenBody,
          response: {
            201: Type.Object({ token: Type.String(), expiresAt: IsoDate }),
            ...errorResponses(...AUTHED_ERRORS, 404),
          },
        },
      },
      async (request, reply) => {
        const { appId } = request.params as { appId: string };
        const caller = callerOf(request);
        await tenants.authorizeApp(caller.principal, appId, { role: 'admin', scope: 'tokens:mint' });
        const body = request.body as { userId: string; ttlSeconds?: number; scopes?: string[] };
        const minted = await tenants.tokens.mint(caller, appId, body);
        return reply.status(201).send({ token: minted.token, expiresAt: minted.expiresAt.toISOString() });
      },
    );
  };
}
