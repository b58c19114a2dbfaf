import type { FastifyPluginAsync } from 'fastify';
import { type Static, Type } from 'typebox';
import { requireSession } from '../platform/http/auth.ts';
import { EmptyBody, errorResponses } from '../platform/http/schemas.ts';
import type { Platform } from '../platform/platform.ts';
import type { SignedIn } from './identity.context.ts';
import { clearSessionCookie, metaOf, sessionMetaOf, setSessionCookie } from './identity.http.ts';
import {
  EmailBody,
  LoginBody,
  RegisterBody,
  ResetConfirmBody,
  SessionResponse,
  SessionState,
  SetupBody,
  TelegramBody,
  TokenBody,
  toUser,
} from './identity.schemas.ts';
import type { IdentityService } from './identity.service.ts';
import { sendLoginOutcome } from './mfa.routes.ts';
import { SecondFactorRequired, SignupAccepted, VerifiedResponse } from './mfa.schemas.ts';

const Empty = Type.Null({ description: 'No content' });

/** Signing up, in and out; email verification; password reset; Telegram; first-run setup. */
export function authRoutes(deps: { identity: IdentityService; platform: Platform }): FastifyPluginAsync {
  const { identity, platform } = deps;
  const { config } = platform;
  const tags = ['auth'];
  const signedIn = (s: SignedIn) => ({ user: toUser(s.user), csrfToken: s.session.csrfToken });

  return async (app) => {
    app.post(
      '/auth/register',
      {
        schema: {
          tags,
          summary: 'Sign up: mails a link that creates the account (answers the same for a taken email)',
          security: [],
          body: RegisterBody,
          response: { 202: SignupAccepted, ...errorResponses(400, 403) },
        },
      },
      async (request, reply) => {
        await identity.signup.register(request.body as Static<typeof RegisterBody>);
        return reply.status(202).send({ status: 'check_email' });
      },
    );

    app.post(
      '/auth/login',
      {
        schema: {
          tags,
          summary: 'Sign in with email and password (202 when a second factor is needed)',
          security: [],
          body: LoginBody,
          response: {
            200: SessionResponse,
            202: SecondFactorRequired,
            ...errorResponses(400, 401, 403, 429),
          },
        },
      },
      async (request, reply) => {
        const body = request.body as Static<typeof LoginBody>;
        return sendLoginOutcome(reply, config, await identity.accounts.login(body, metaOf(request)));
      },
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          body: EmptyBody,
          tags,
          summary: 'Sign out of this session',
          response: { 204: Empty, ...errorResponses(400, 403) },
        },
      },
      async (request, reply) => {
        await identity.accounts.logout(metaOf(request));
        clearSessionCookie(reply, config);
        return reply.status(204).send();
      },
    );

    app.get(
      '/auth/session',
      {
        schema: {
          tags,
          summary: 'The signed-in user and CSRF token; nulls for a visitor who is not signed in',
          response: { 200: SessionState, ...errorResponses(403) },
        },
      },
      async (request) => {
        // Not being signed in is an answer, not an error: pages ask this on every first load.
        if (!request.principal) return { user: null, csrfToken: null };
        const principal = requireSession(request);
        const user = await identity.accounts.me(principal.user);
        return { user: toUser(user), csrfToken: principal.csrfToken };
      },
    );

    app.get(
      '/auth/config',
      {
        schema: {
          tags,
          summary: 'Public sign-in options',
          security: [],
          response: { 200: Type.Object({ telegramBotUsername: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async () => ({ telegramBotUsername: config.telegramBotToken ? config.telegramBotUsername : null }),
    );

    app.post(
      '/auth/verify-email',
      {
        schema: {
          tags,
          summary:
            'Confirm an email address with the link token; a sign-up link creates the account and signs in',
          security: [],
          body: TokenBody,
          response: { 200: VerifiedResponse, ...errorResponses(400, 403) },
        },
      },
      async (request, reply) => {
        const { token } = request.body as Static<typeof TokenBody>;
        const meta = metaOf(request);
        const created = await identity.signup.complete(token, meta);
        if (!created) return { user: toUser(await identity.recovery.verifyEmail(token, meta)) };
        setSessionCookie(reply, config, created.session.token);
        return signedIn(created);
      },
    );

    app.post(
      '/auth/verify-email/resend',
      {
        schema: {
          body: EmptyBody,
          tags,
          summary: 'Send the verification mail again',
          response: { 204: Empty, ...errorResponses(400, 401, 403, 429) },
        },
      },
      async (request, reply) => {
        const principal = requireSession(request);
        await identity.recovery.resendVerification(sessionMetaOf(request, principal));
        return reply.status(204).send();
      },
    );

    app.post(
      '/auth/password-reset/request',
      {
        schema: {
          tags,
          summary: 'Mail a password-reset link (answers the same whether or not the account exists)',
          security: [],
          body: EmailBody,
          response: { 202: Empty, ...errorResponses(400, 403, 429) },
        },
      },
      async (request, reply) => {
        const { email } = request.body as Static<typeof EmailBody>;
        await identity.recovery.requestReset(email, metaOf(request));
        return reply.status(202).send();
      },
    );

    app.post(
      '/auth/password-reset/confirm',
      {
        schema: {
          tags,
          summary: 'Set a new password with the link token; signs out every session',
          security: [],
          body: ResetConfirmBody,
          response: { 204: Empty, ...errorResponses(400, 403) },
        },
      },
      async (request, reply) => {
        await identity.recovery.confirmReset(
          request.body as Static<typeof ResetConfirmBody>,
          metaOf(request),
        );
        return reply.status(204).send();
      },
    );

    app.post(
      '/auth/telegram',
      {
        schema: {
          tags,
          summary: 'Sign in with the Telegram Login Widget, or link Telegram to the signed-in account',
          security: [],
          body: TelegramBody,
          response: { 200: SessionResponse, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const outcome = await identity.telegram.authenticate(request.body as TelegramBody, metaOf(request));
        if (outcome.kind === 'linked') {
          return { user: toUser(outcome.user), csrfToken: requireSession(request).csrfToken };
        }
        setSessionCookie(reply, config, outcome.session.token);
        return signedIn(outcome);
      },
    );

    app.get(
      '/auth/setup',
      {
        schema: {
          tags,
          summary: 'Whether first-admin setup is open',
          security: [],
          response: { 200: Type.Object({ open: Type.Boolean() }) },
        },
      },
      async () => ({ open: await identity.admin.setupOpen() }),
    );

    app.post(
      '/auth/setup',
      {
        schema: {
          tags,
          summary: 'Create the first admin with the setup token from the server log',
          security: [],
          body: SetupBody,
          response: { 201: SessionResponse, ...errorResponses(400, 403, 409) },
        },
      },
      async (request, reply) => {
        const result = await identity.admin.setup(request.body as Static<typeof SetupBody>, metaOf(request));
        setSessionCookie(reply, config, result.session.token);
        return reply.status(201).send(signedIn(result));
      },
    );
  };
}
