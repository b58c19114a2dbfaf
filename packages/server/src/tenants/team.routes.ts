import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { TeamRole } from '../platform/db/schema.ts';
import { requirePrincipal } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, errorResponses, Id, Page, PageQuery } from '../platform/http/schemas.ts';
import { AppParams, sessionCallerOf } from './apps.routes.ts';
import type { InvitableRole } from './invitations.store.ts';
import {
  AcceptBody,
  AppSchema,
  appJson,
  InvitationSchema,
  InviteBody,
  invitationJson,
  MemberPatchBody,
  MemberSchema,
  memberJson,
  pageOf,
} from './tenants.schemas.ts';
import type { TenantService } from './tenants.service.ts';

const MemberParams = Type.Object({ appId: Id, userId: Id });
const InvitationParams = Type.Object({ appId: Id, invitationId: Id });

/** An app's team: members, invitations, and accepting an invitation. */
export function teamRoutes(deps: { tenants: TenantService }): FastifyPluginAsync {
  const { tenants } = deps;
  return async (app) => {
    const tags = ['team'];

    app.get(
      '/apps/:appId/members',
      {
        schema: {
          tags,
          summary: 'List the app’s team (API keys need apps:read)',
          params: AppParams,
          querystring: PageQuery,
          response: { 200: Page(MemberSchema), ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request) => {
        const { appId } = request.params as { appId: string };
        const { limit, cursor } = request.query as { limit: number; cursor?: string };
        await tenants.authorizeApp(requirePrincipal(request), appId, { role: 'viewer', scope: 'apps:read' });
        const rows = await tenants.members.list(appId, limit, cursor);
        return pageOf(rows, limit, (m) => m.userId, memberJson);
      },
    );

    app.patch(
      '/apps/:appId/members/:userId',
      {
        schema: {
          tags,
          summary: 'Change a member’s role; `owner` transfers ownership (the old owner becomes admin)',
          params: MemberParams,
          body: MemberPatchBody,
          response: {
            200: Type.Object({ member: MemberSchema }),
            ...errorResponses(...AUTHED_ERRORS, 404, 409),
          },
        },
      },
      async (request) => {
        const { appId, userId } = request.params as { appId: string; userId: string };
        const caller = sessionCallerOf(request);
        await tenants.authorizeApp(caller.principal, appId, { role: 'admin', scope: null });
        const { role } = request.body as { role: TeamRole };
        return { member: memberJson(await tenants.members.changeRole(caller, appId, userId, role)) };
      },
    );

    app.delete(
      '/apps/:appId/members/:userId',
      {
        schema: {
          tags,
          summary: 'Remove a member, or leave the team (remove yourself); the owner cannot be removed',
          params: MemberParams,
          response: { 204: Type.Null(), ...errorResponses(...AUTHED_ERRORS, 404, 409) },
        },
      },
      async (request, reply) => {
        const { appId, userId } = request.params as { appId: string; userId: string };
        const caller = sessionCallerOf(request);
        await tenants.authorizeApp(caller.principal, appId, { role: 'viewer', scope: null });
        await tenants.members.remove(caller, appId, userId);
        return reply.status(204).send();
      },
    );

    app.get(
      '/apps/:appId/invitations',
      {
        schema: {
          tags,
          summary: 'List the app’s pending and accepted invitations (admin or owner)',
          params: AppParams,
          querystring: PageQuery,
          response: { 200: Page(InvitationSchema), ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request) => {
        const { appId } = request.params as { appId: string };
        const { limit, cursor } = request.query as { limit: number; cursor?: string };
        await tenants.authorizeApp(requirePrincipal(request), appId, { role: 'admin', scope: null });
        const rows = await tenants.invitations.list(appId, limit, cursor);
        return pageOf(rows, limit, (i) => i.id, invitationJson);
      },
    );

    app.post(
      '/apps/:appId/invitations',
      {
        schema: {
          tags,
          summary: 'Invite someone by email (admin or owner; only the owner invites admins)',
          params: AppParams,
          body: InviteBody,
          response: {
            201: Type.Object({ invitation: InvitationSchema }),
            ...errorResponses(...AUTHED_ERRORS, 404, 409),
          },
        },
      },
      async (request, reply) => {
        const { appId } = request.params as { appId: string };
        const caller = sessionCallerOf(request);
        await tenants.authorizeApp(caller.principal, appId, { role: 'admin', scope: null });
        const body = request.body as { email: string; role: InvitableRole };
        const invitation = await tenants.invitations.invite(caller, appId, body);
        return reply.status(201).send({ invitation: invitationJson(invitation) });
      },
    );

    app.delete(
      '/apps/:appId/invitations/:invitationId',
      {
        schema: {
          tags,
          summary: 'Revoke an open invitation',
          params: InvitationParams,
          response: { 204: Type.Null(), ...errorResponses(...AUTHED_ERRORS, 404, 409) },
        },
      },
      async (request, reply) => {
        const { appId, invitationId } = request.params as { appId: string; invitationId: string };
        const caller = sessionCallerOf(request);
        await tenants.authorizeApp(caller.principal, appId, { role: 'admin', scope: null });
        await tenants.invitations.revoke(caller, appId, invitationId);
        return reply.status(204).send();
      },
    );

    app.post(
      '/invitations/accept',
      {
        schema: {
          tags,
          summary: 'Accept an invitation as the signed-in user (the invited email address)',
          body: AcceptBody,
          response: { 200: Type.Object({ app: AppSchema }), ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        const { token } = request.body as { token: string };
        return { app: appJson(await tenants.invitations.accept(sessionCallerOf(request), token)) };
      },
    );
  };
}
