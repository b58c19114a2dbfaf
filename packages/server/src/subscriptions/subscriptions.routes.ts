import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../audit/index.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { requireRole, requireSession } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, EmptyBody, errorResponses } from '../platform/http/schemas.ts';
import {
  CreatorParams,
  CreatorStatus,
  MySubscription,
  Plan,
  PlanBody,
  Prime,
  PrimeBody,
  SubscribeBody,
  Subscribed,
  Subscription,
} from './subscriptions.schemas.ts';
import type { PrimeSettings, SubscriptionService } from './subscriptions.service.ts';

const readErrors = errorResponses(400, 404, 429);
const memberErrors = errorResponses(...AUTHED_ERRORS, 404, 409);

/** Creator subscriptions and PRIME on the site, for signed-in members; PRIME settings for admins. */
export function subscriptionRoutes(deps: { subscriptions: SubscriptionService }): FastifyPluginAsync {
  const { subscriptions } = deps;
  const viewerId = (request: FastifyRequest) =>
    request.principal?.kind === 'session' ? request.principal.user.id : null;

  return async (app) => {
    const tags = ['subscriptions'];

    app.get(
      '/creators/:creatorId/subscription',
      {
        schema: {
          tags,
          summary: "A creator's monthly plan and the signed-in member's subscription to it",
          params: CreatorParams,
          response: { 200: CreatorStatus, ...readErrors },
        },
      },
      async (request) => {
        const { creatorId } = request.params as { creatorId: string };
        return subscriptions.creatorStatus(SITE_APP_ID, viewerId(request), creatorId);
      },
    );

    app.put(
      '/creator/subscription-plan',
      {
        schema: {
          tags,
          summary: 'Set your monthly subscription price in coins (creators)',
          body: PlanBody,
          response: { 200: Type.Object({ plan: Plan }), ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        const principal = requireRole(request, 'creator', 'admin');
        const { priceCoins } = request.body as { priceCoins: number };
        const plan = await subscriptions.setPlan(
          actorOf(principal, request.ip),
          SITE_APP_ID,
          principal.user.id,
          priceCoins,
        );
        return { plan };
      },
    );

    app.post(
      '/creators/:creatorId/subscribe',
      {
        schema: {
          tags,
          summary: 'Subscribe to a creator: the first month is charged now and renews monthly',
          params: CreatorParams,
          body: SubscribeBody,
          response: { 201: Subscribed, ...memberErrors },
        },
      },
      async (request, reply) => {
        const principal = requireSession(request);
        const { creatorId } = request.params as { creatorId: string };
        const { idempotencyKey } = request.body as { idempotencyKey: string };
        const result = await subscriptions.subscribe(
          SITE_APP_ID,
          principal.user.id,
          creatorId,
          idempotencyKey,
        );
        return reply.status(201).send(result);
      },
    );

    app.post(
      '/creators/:creatorId/subscription/cancel',
      {
        schema: {
          tags,
          summary: 'Cancel a subscription: it stays active until the end of the paid month',
          params: CreatorParams,
          body: EmptyBody,
          response: { 200: Type.Object({ subscription: Subscription }), ...memberErrors },
        },
      },
      async (request) => {
        const principal = requireSession(request);
        const { creatorId } = request.params as { creatorId: string };
        return { subscription: await subscriptions.cancel(SITE_APP_ID, principal.user.id, creatorId) };
      },
    );

    app.get(
      '/subscriptions',
      {
        schema: {
          tags,
          summary: 'Your current creator subscriptions',
          response: { 200: Type.Object({ items: Type.Array(MySubscription) }), ...errorResponses(401, 403) },
        },
      },
      async (request) => {
        const principal = requireSession(request);
        return { items: await subscriptions.mine(SITE_APP_ID, principal.user.id) };
      },
    );

    app.get(
      '/prime',
      {
        schema: {
          tags,
          summary: "PRIME's monthly price and perks, and your membership",
          response: { 200: Prime },
        },
      },
      async (request) => subscriptions.prime(SITE_APP_ID, viewerId(request)),
    );

    app.post(
      '/prime/subscribe',
      {
        schema: {
          tags,
          summary: 'Join PRIME: the first month is charged now and renews monthly',
          body: SubscribeBody,
          response: { 201: Subscribed, ...memberErrors },
        },
      },
      async (request, reply) => {
        const principal = requireSession(request);
        const { idempotencyKey } = request.body as { idempotencyKey: string };
        return reply
          .status(201)
          .send(await subscriptions.subscribePrime(SITE_APP_ID, principal.user.id, idempotencyKey));
      },
    );

    app.post(
      '/prime/cancel',
      {
        schema: {
          tags,
          summary: 'Cancel PRIME: it stays active until the end of the paid month',
          body: EmptyBody,
          response: { 200: Type.Object({ subscription: Subscription }), ...memberErrors },
        },
      },
      async (request) => {
        const principal = requireSession(request);
        return { subscription: await subscriptions.cancelPrime(SITE_APP_ID, principal.user.id) };
      },
    );

    app.put(
      '/admin/prime',
      {
        schema: {
          tags,
          summary: "Set PRIME's monthly price and the perks members see (admins)",
          body: PrimeBody,
          response: {
            200: Type.Object({ priceCoins: Type.Integer(), perks: Type.Array(Type.String()) }),
            ...errorResponses(...AUTHED_ERRORS),
          },
        },
      },
      async (request) => {
        const principal = requireRole(request, 'admin');
        return subscriptions.setPrime(
          actorOf(principal, request.ip),
          SITE_APP_ID,
          request.body as PrimeSettings,
        );
      },
    );
  };
}
