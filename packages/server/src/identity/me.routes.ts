import type { FastifyPluginAsync } from 'fastify';
import { type Static, Type } from 'typebox';
import { requireSession } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, errorResponses } from '../platform/http/schemas.ts';
import { sessionMetaOf, withRetryAfter } from './identity.http.ts';
import {
  ApplicationBody,
  ApplicationResponse,
  CreatorApplication,
  PasswordChangeBody,
  PatchMeBody,
  toApplication,
  toUser,
  UserResponse,
} from './identity.schemas.ts';
import type { IdentityService } from './identity.service.ts';

/** The signed-in user's own account. */
export function meRoutes(deps: { identity: IdentityService }): FastifyPluginAsync {
  const { identity } = deps;
  const tags = ['me'];
  return async (app) => {
    app.get(
      '/me',
      {
        schema: {
          tags,
          summary: 'The signed-in user',
          response: { 200: UserResponse, ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => ({ user: toUser(await identity.accounts.me(requireSession(request).user)) }),
    );

    app.patch(
      '/me',
      {
        schema: {
          tags,
          summary: 'Change display name or language',
          body: PatchMeBody,
          response: { 200: UserResponse, ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        const meta = sessionMetaOf(request, requireSession(request));
        const user = await identity.accounts.updateProfile(request.body as Static<typeof PatchMeBody>, meta);
        return { user: toUser(user) };
      },
    );

    app.post(
      '/me/password',
      {
        schema: {
          tags,
          summary: 'Change the password; signs out every other session',
          body: PasswordChangeBody,
          response: { 204: Type.Null(), ...errorResponses(...AUTHED_ERRORS, 409) },
        },
      },
      async (request, reply) => {
        const meta = sessionMetaOf(request, requireSession(request));
        const body = request.body as Static<typeof PasswordChangeBody>;
        await withRetryAfter(reply, () => identity.accounts.changePassword(body, meta));
        return reply.status(204).send();
      },
    );

    app.delete(
      '/me/telegram',
      {
        schema: {
          tags,
          summary: 'Unlink Telegram (only for accounts that have a password)',
          response: { 200: UserResponse, ...errorResponses(...AUTHED_ERRORS, 409) },
        },
      },
      async (request) => {
        const meta = sessionMetaOf(request, requireSession(request));
        return { user: toUser(await identity.telegram.unlink(meta)) };
      },
    );

    app.post(
      '/me/creator-application',
      {
        schema: {
          tags,
          summary: 'Apply to become a creator',
          body: ApplicationBody,
          response: { 201: ApplicationResponse, ...errorResponses(...AUTHED_ERRORS, 409) },
        },
      },
      async (request, reply) => {
        const meta = sessionMetaOf(request, requireSession(request));
        const { note } = request.body as Static<typeof ApplicationBody>;
        const application = await identity.creators.apply(note, meta);
        return reply.status(201).send({ application: toApplication(application) });
      },
    );

    app.get(
      '/me/creator-application',
      {
        schema: {
          tags,
          summary: 'My latest creator application',
          response: {
            200: Type.Object({ application: Type.Union([CreatorApplication, Type.Null()]) }),
            ...errorResponses(...AUTHED_ERRORS),
          },
        },
      },
      async (request) => {
        const latest = await identity.creators.latest(requireSession(request).user.id);
        return { application: latest ? toApplication(latest) : null };
      },
    );
  };
}
