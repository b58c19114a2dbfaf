import type { FastifyPluginAsync } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  clearSessionCookie,
  metaOf,
  SessionResponse,
  sessionMetaOf,
  setSessionCookie,
  toUser,
} from '../identity/index.ts';
import { requireSession } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, errorResponses, Id, IsoDate } from '../platform/http/schemas.ts';
import type { Platform } from '../platform/platform.ts';
import {
  CancelBody,
  DataExport,
  DeletionBody,
  DeletionPreviewSchema,
  ExportResponse,
  toExport,
} from './account.schemas.ts';
import type { DeletionService } from './deletion.service.ts';
import type { ExportService } from './export.service.ts';

const ExportParams = Type.Object({ id: Id });

/** Data export (`/me/exports`) and account deletion (`/me/deletion`, `/account/deletion/cancel`). */
export function accountRoutes(deps: {
  exports: ExportService;
  deletion: DeletionService;
  platform: Platform;
}): FastifyPluginAsync {
  const { exports, deletion, platform } = deps;
  const tags = ['me'];
  return async (app) => {
    app.get(
      '/me/exports',
      {
        schema: {
          tags,
          summary: 'My latest data exports, newest first',
          response: {
            200: Type.Object({ items: Type.Array(DataExport) }),
            ...errorResponses(...AUTHED_ERRORS),
          },
        },
      },
      async (request) => ({ items: (await exports.list(requireSession(request).user.id)).map(toExport) }),
    );

    app.post(
      '/me/exports',
      {
        schema: {
          tags,
          summary: 'Ask for an export of everything I own (one at a time); a worker builds it',
          body: Type.Object({}, { additionalProperties: false }),
          response: { 202: ExportResponse, ...errorResponses(...AUTHED_ERRORS, 409) },
        },
      },
      async (request, reply) => {
        const principal = requireSession(request);
        const view = await exports.request(principal.user.id, request.ip ?? null);
        return reply.status(202).send({ export: toExport(view) });
      },
    );

    app.get(
      '/me/exports/:id',
      {
        schema: {
          tags,
          summary: 'One of my data exports, with its progress',
          params: ExportParams,
          response: { 200: ExportResponse, ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request) => {
        const { id } = request.params as Static<typeof ExportParams>;
        return { export: toExport(await exports.get(requireSession(request).user.id, id)) };
      },
    );

    app.get(
      '/me/exports/:id/download',
      {
        schema: {
          tags,
          summary: 'Download a ready export as one JSON file (until it expires)',
          params: ExportParams,
          response: {
            200: Type.String({ description: 'The JSON archive' }),
            ...errorResponses(...AUTHED_ERRORS, 404, 409, 410),
          },
        },
      },
      async (request, reply) => {
        const { id } = request.params as Static<typeof ExportParams>;
        const { archive } = await exports.download(requireSession(request).user.id, id);
        return reply
          .type('application/json; charset=utf-8')
          .header('cache-control', 'no-store')
          .header('content-disposition', `attachment; filename="pnptv-export-${id}.json"`)
          .send(archive);
      },
    );

    app.get(
      '/me/deletion',
      {
        schema: {
          tags,
          summary: 'What deleting my account would forfeit, and what must be done first',
          response: { 200: DeletionPreviewSchema, ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        const { appId, user } = requireSession(request);
        return deletion.preview(appId, user.id, user.role);
      },
    );

    app.post(
      '/me/deletion',
      {
        schema: {
          tags,
          summary:
            'Delete my account: signs out everywhere at once; personal data is erased after the grace period unless cancelled',
          body: DeletionBody,
          response: {
            202: Type.Object({ deleteAfter: IsoDate }),
            ...errorResponses(...AUTHED_ERRORS, 409),
          },
        },
      },
      async (request, reply) => {
        const meta = sessionMetaOf(request, requireSession(request));
        const { password } = request.body as Static<typeof DeletionBody>;
        const { deleteAfter } = await deletion.request(password, meta);
        clearSessionCookie(reply, platform.config);
        return reply.status(202).send({ deleteAfter: deleteAfter.toISOString() });
      },
    );

    app.post(
      '/account/deletion/cancel',
      {
        schema: {
          tags: ['auth'],
          summary:
            'Cancel a pending account deletion with the token a refused sign-in returned (error ACCOUNT_DELETION_PENDING, detail cancelToken); signs in',
          body: CancelBody,
          response: { 200: SessionResponse, ...errorResponses(400, 429) },
        },
      },
      async (request, reply) => {
        const { token } = request.body as Static<typeof CancelBody>;
        const signedIn = await deletion.cancel(token, metaOf(request));
        setSessionCookie(reply, platform.config, signedIn.session.token);
        return { user: toUser(signedIn.user), csrfToken: signedIn.session.csrfToken };
      },
    );
  };
}
