import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requirePrincipal, requireSession } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, errorResponses, Id, Page, PageQuery } from '../platform/http/schemas.ts';
import {
  AppBody,
  AppSchema,
  AuditItemSchema,
  appJson,
  auditJson,
  DescribedList,
  pageOf,
} from './tenants.schemas.ts';
import { SCOPE_NAMES, SCOPES } from './tenants.scopes.ts';
import type { TenantService } from './tenants.service.ts';
import type { Caller, SessionCaller } from './tenants.types.ts';

/** Path params of app-scoped routes. */
export const AppParams = Type.Object({ appId: Id });

/** The caller of a request, for use cases that accept any principal. */
export function callerOf(request: FastifyRequest): Caller {
  return { principal: requirePrincipal(request), ip: request.ip };
}

/** The signed-in caller of a request (AUTH_REQUIRED / AUTH_FORBIDDEN otherwise). */
export function sessionCallerOf(request: FastifyRequest): SessionCaller {
  return { principal: requireSession(request), ip: request.ip };
}

type PageQueryValue = { limit: number; cursor?: string };

/** Apps themselves, the scope catalogue, and each app's audit log. */
export function appRoutes(deps: { tenants: TenantService }): FastifyPluginAsync {
  const { tenants } = deps;
  const scopes = { items: SCOPE_NAMES.map((name) => ({ name, description: SCOPES[name] })) };
  return async (app) => {
    const tags = ['apps'];
    const AppEnvelope = Type.Object({ app: AppSchema });

    app.get(
      '/scopes',
      {
        schema: {
          tags: ['keys'],
          summary: 'List the API key scopes',
          security: [],
          response: { 200: DescribedList },
        },
      },
      async () => scopes,
    );

    app.get(
      '/apps',
      {
        schema: {
          tags,
          summary: 'List the apps you belong to (with an API key: its own app)',
          querystring: PageQuery,
          response: { 200: Page(AppSchema), ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        const { limit, cursor } = request.query as PageQueryValue;
        const rows = await tenants.apps.list(requirePrincipal(request), limit, cursor);
        return pageOf(rows, limit, (a) => a.id, appJson);
      },
    );

    app.post(
      '/apps',
      {
        schema: {
          tags,
          summary: 'Create an app; you become its owner',
          body: AppBody,
          response: { 201: AppEnvelope, ...errorResponses(...AUTHED_ERRORS, 409) },
        },
      },
      async (request, reply) => {
        const created = await tenants.apps.create(sessionCallerOf(request), request.body as { name: string });
        return reply.status(201).send({ app: appJson(created) });
      },
    );

    app.get(
      '/apps/:appId',
      {
        schema: {
          tags,
          summary: 'Get an app',
          params: AppParams,
          response: { 200: AppEnvelope, ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request) => {
        const { appId } = request.params as { appId: string };
        return { app: appJson(await tenants.apps.get(requirePrincipal(request), appId)) };
      },
    );

    app.patch(
      '/apps/:appId',
      {
        schema: {
          tags,
          summary: 'Rename an app (admin or owner; API keys need apps:write)',
          params: AppParams,
          body: AppBody,
          response: { 200: AppEnvelope, ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request) => {
        const { appId } = request.params as { appId: string };
        return {
          app: appJson(await tenants.apps.rename(callerOf(request), appId, request.body as { name: string })),
        };
      },
    );

    app.delete(
      '/apps/:appId',
      {
        schema: {
          tags,
          summary: 'Delete an app (owner only): revokes its keys and invitations',
          params: AppParams,
          response: { 204: Type.Null(), ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request, reply) => {
        const { appId } = request.params as { appId: string };
        await tenants.apps.delete(sessionCallerOf(request), appId);
        return reply.status(204).send();
      },
    );

    app.get(
      '/apps/:appId/audit',
      {
        schema: {
          tags,
          summary: 'Read the app’s audit log (admin or owner; API keys need audit:read)',
          params: AppParams,
          querystring: PageQuery,
          response: { 200: Page(AuditItemSchema), ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request) => {
        const { appId } = request.params as { appId: string };
        const { limit, cursor } = request.query as PageQueryValue;
        await tenants.authorizeApp(requirePrincipal(request), appId, { role: 'admin', scope: 'audit:read' });
        const rows = await tenants.auditLog(appId, limit, cursor);
        return pageOf(rows, limit, (r) => r.id, auditJson);
      },
    );
  };
}
