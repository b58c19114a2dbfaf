import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { type Static, Type } from 'typebox';
import type { Config } from '../platform/config.ts';
import { requireSession } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, EmptyBody, errorResponses } from '../platform/http/schemas.ts';
import type { LoginOutcome } from './accounts.service.ts';
import { setDeviceCookie } from './devices.ts';
import { metaOf, sessionMetaOf, setSessionCookie } from './identity.http.ts';
import { SessionResponse, toUser } from './identity.schemas.ts';
import type { IdentityService } from './identity.service.ts';
import {
  CodeBody,
  DisableBody,
  RecoveryCodes,
  SecondFactorBody,
  TwoFactorEnrolment,
  TwoFactorStatus,
} from './mfa.schemas.ts';

/** Answers a finished or half-finished password sign-in: cookies and `{ user, csrfToken }`, or 202 and the pending token. */
export function sendLoginOutcome(reply: FastifyReply, config: Config, outcome: LoginOutcome) {
  if (outcome.kind === 'second_factor') {
    const { mfaToken, expiresInS } = outcome;
    return reply.status(202).send({ secondFactor: 'totp', mfaToken, expiresInS });
  }
  const { user, session } = outcome.signedIn;
  setSessionCookie(reply, config, session.token);
  setDeviceCookie(reply, config, outcome.deviceCookie);
  return reply.status(200).send({ user: toUser(user), csrfToken: session.csrfToken });
}

/** Two-factor: the login's second step and the signed-in user's enrolment. */
export function mfaRoutes(deps: { identity: IdentityService; config: Config }): FastifyPluginAsync {
  const { identity, config } = deps;
  return async (app) => {
    app.post(
      '/auth/login/second-factor',
      {
        schema: {
          tags: ['auth'],
          summary: 'Finish a sign-in with a TOTP or recovery code',
          security: [],
          body: SecondFactorBody,
          response: { 200: SessionResponse, ...errorResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const body = request.body as Static<typeof SecondFactorBody>;
        return sendLoginOutcome(reply, config, await identity.accounts.completeLogin(body, metaOf(request)));
      },
    );

    const tags = ['me'];
    app.get(
      '/me/two-factor',
      {
        schema: {
          tags,
          summary: 'Whether two-factor is on and how many recovery codes are left',
          response: { 200: TwoFactorStatus, ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => identity.mfa.status(requireSession(request).user.id),
    );

    app.post(
      '/me/two-factor/enrolment',
      {
        schema: {
          tags,
          summary: 'Start two-factor setup: a new secret, shown once',
          body: EmptyBody,
          response: { 200: TwoFactorEnrolment, ...errorResponses(...AUTHED_ERRORS, 409) },
        },
      },
      async (request) => identity.mfa.startEnrolment(sessionMetaOf(request, requireSession(request))),
    );

    app.post(
      '/me/two-factor/confirm',
      {
        schema: {
          tags,
          summary: 'Turn two-factor on with a first code; returns the recovery codes',
          body: CodeBody,
          response: { 200: RecoveryCodes, ...errorResponses(...AUTHED_ERRORS, 409) },
        },
      },
      async (request) => {
        const meta = sessionMetaOf(request, requireSession(request));
        const { code } = request.body as Static<typeof CodeBody>;
        return { recoveryCodes: await identity.mfa.confirmEnrolment(code, meta) };
      },
    );

    app.post(
      '/me/two-factor/recovery-codes',
      {
        schema: {
          tags,
          summary: 'Replace the recovery codes, after a current code',
          body: CodeBody,
          response: { 200: RecoveryCodes, ...errorResponses(...AUTHED_ERRORS, 409) },
        },
      },
      async (request) => {
        const meta = sessionMetaOf(request, requireSession(request));
        const { code } = request.body as Static<typeof CodeBody>;
        return { recoveryCodes: await identity.mfa.regenerateCodes(code, meta) };
      },
    );

    app.post(
      '/me/two-factor/disable',
      {
        schema: {
          tags,
          summary: 'Turn two-factor off with the password and a code',
          body: DisableBody,
          response: { 204: Type.Null(), ...errorResponses(...AUTHED_ERRORS, 409) },
        },
      },
      async (request, reply) => {
        const meta = sessionMetaOf(request, requireSession(request));
        await identity.mfa.disable(request.body as Static<typeof DisableBody>, meta);
        return reply.status(204).send();
      },
    );
  };
}
