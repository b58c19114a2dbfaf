import type { FastifyPluginAsync } from 'fastify';
import type { Static } from 'typebox';
import { requireRole } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, EmptyBody, errorResponses, Page } from '../platform/http/schemas.ts';
import { sessionMetaOf } from './identity.http.ts';
import {
  ApplicationResponse,
  ApplicationsQuery,
  CreatorApplication,
  IdParams,
  RejectBody,
  RoleBody,
  toApplication,
  toUser,
  User,
  UserResponse,
  UsersQuery,
} from './identity.schemas.ts';
import type { IdentityService } from './identity.service.ts';

function page<T extends { id: string }>(
  items: T[],
  limit: number,
): { items: T[]; nextCursor: string | null } {
  return { items, nextCursor: items.length === limit ? items[items.length - 1]!.id : null };
}

/** Instance admins: users and their roles, creator applications. */
export function adminUserRoutes(deps: { identity: IdentityService }): FastifyPluginAsync {
  const { identity } = deps;
  const tags = ['admin'];
  return async (app) => {
    app.get(
      '/admin/users',
      {
        schema: {
          tags,
          summary: 'List or search users (email or display name)',
          querystring: UsersQuery,
          response: { 200: Page(User), ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        const { limit, cursor, query } = request.query as Static<typeof UsersQuery>;
        const rows = await identity.admin.list({ limit, cursor, query: query?.trim() || undefined });
        return page(rows.map(toUser), limit);
      },
    );

    app.patch(
      '/admin/users/:id',
      {
        schema: {
          tags,
          summary: "Change a user's role",
          params: IdParams,
          body: RoleBody,
          response: { 200: UserResponse, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
        },
      },
      async (request) => {
        const meta = sessionMetaOf(request, requireRole(request, 'admin'));
        const { id } = request.params as Static<typeof IdParams>;
        const { role } = request.body as Static<typeof RoleBody>;
        return { user: toUser(await identity.admin.setRole(id, role, meta)) };
      },
    );

    app.get(
      '/admin/creator-applications',
      {
        schema: {
          tags,
          summary: 'List creator applications, optionally by status',
          querystring: ApplicationsQuery,
          response: { 200: Page(CreatorApplication), ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        const { limit, cursor, status } = request.query as Static<typeof ApplicationsQuery>;
        const rows = await identity.creators.list({ limit, cursor, status });
        return page(rows.map(toApplication), limit);
      },
    );

    app.post(
      '/admin/creator-applications/:id/approve',
      {
        schema: {
          body: EmptyBody,
          tags,
          summary: 'Approve an application: the user becomes a creator',
          params: IdParams,
          response: { 200: ApplicationResponse, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
        },
      },
      async (request) => {
        const meta = sessionMetaOf(request, requireRole(request, 'admin'));
        const { id } = request.params as Static<typeof IdParams>;
        return { application: toApplication(await identity.creators.approve(id, meta)) };
      },
    );

    app.post(
      '/admin/creator-applications/:id/reject',
      {
        schema: {
          tags,
          summary: 'Decline an application with a reason',
          params: IdParams,
          body: RejectBody,
          response: { 200: ApplicationResponse, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
        },
      },
      async (request) => {
        const meta = sessionMetaOf(request, requireRole(request, 'admin'));
        const { id } = request.params as Static<typeof IdParams>;
        const { reason } = request.body as Static<typeof RejectBody>;
        return { application: toApplication(await identity.creators.reject(id, reason, meta)) };
      },
    );
  };
}
