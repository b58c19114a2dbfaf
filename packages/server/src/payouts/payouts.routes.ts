import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../audit/index.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { requireRole } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, EmptyBody, errorResponses, Id, Page, PageQuery } from '../platform/http/schemas.ts';
import {
  AdminPayoutsQuery,
  CreatorSplitBody,
  Earnings,
  MarkPaidBody,
  Payout,
  PayoutCounts,
  PayoutRequestBody,
  RejectBody,
  SplitBody,
  SplitSettings,
  StatementQuery,
} from './payouts.schemas.ts';
import type { PayoutService, PayoutStatus } from './payouts.service.ts';
import type { SplitService } from './split.service.ts';

const creatorErrors = errorResponses(...AUTHED_ERRORS);
const adminErrors = errorResponses(...AUTHED_ERRORS, 404, 409);
const PayoutParams = Type.Object({ id: Id });
const UserParams = Type.Object({ userId: Id });
const WithPayout = Type.Object({ payout: Payout });

/** Creator earnings, payouts and statements on the site; payout decisions and the split for admins. */
export function payoutRoutes(deps: { payouts: PayoutService; split: SplitService }): FastifyPluginAsync {
  const { payouts, split } = deps;
  return async (app) => {
    const tags = ['payouts'];

    app.get(
      '/creator/earnings',
      {
        schema: {
          tags,
          summary:
            'Your earnings: balance, lifetime, the last 30 days by kind and recent movements (creators)',
          response: { 200: Earnings, ...errorResponses(401, 403) },
        },
      },
      async (request) => {
        const principal = requireRole(request, 'creator', 'admin');
        return payouts.earnings(SITE_APP_ID, principal.user.id);
      },
    );

    app.get(
      '/creator/payouts',
      {
        schema: {
          tags,
          summary: 'Your payout requests, newest first (creators)',
          querystring: PageQuery,
          response: { 200: Page(Payout), ...creatorErrors },
        },
      },
      async (request) => {
        const principal = requireRole(request, 'creator', 'admin');
        return payouts.mine(
          SITE_APP_ID,
          principal.user.id,
          request.query as { limit: number; cursor?: string },
        );
      },
    );

    app.post(
      '/creator/payouts',
      {
        schema: {
          tags,
          summary: 'Ask to be paid part of your earnings (at least the minimum, at most the balance)',
          body: PayoutRequestBody,
          response: { 201: WithPayout, ...errorResponses(...AUTHED_ERRORS, 409) },
        },
      },
      async (request, reply) => {
        const principal = requireRole(request, 'creator', 'admin');
        const { coins, idempotencyKey } = request.body as { coins: number; idempotencyKey?: string };
        const payout = await payouts.request(SITE_APP_ID, principal.user.id, coins, idempotencyKey);
        return reply.status(201).send({ payout });
      },
    );

    app.get(
      '/creator/statement.csv',
      {
        schema: {
          tags,
          summary: 'Your earnings statement as CSV: date, kind, description, amount, balance (creators)',
          querystring: StatementQuery,
          response: { 200: Type.String(), ...creatorErrors },
        },
      },
      async (request, reply) => {
        const principal = requireRole(request, 'creator', 'admin');
        const { from, to } = request.query as { from?: string; to?: string };
        const csv = await payouts.statement(SITE_APP_ID, principal.user.id, from, to);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="statement.csv"')
          .send(csv);
      },
    );

    app.get(
      '/admin/payouts',
      {
        schema: {
          tags,
          summary: 'Payout requests, newest first, optionally by status (admins)',
          querystring: AdminPayoutsQuery,
          response: { 200: Page(Payout), ...creatorErrors },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        return payouts.list(
          SITE_APP_ID,
          request.query as { status?: PayoutStatus; limit: number; cursor?: string },
        );
      },
    );

    app.get(
      '/admin/payouts/counts',
      {
        schema: {
          tags,
          summary: 'How many payouts are in each status (admins)',
          response: { 200: PayoutCounts, ...creatorErrors },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        return { counts: await payouts.counts(SITE_APP_ID) };
      },
    );

    app.post(
      '/admin/payouts/:id/approve',
      {
        schema: {
          tags,
          summary: 'Approve a payout request (admins)',
          params: PayoutParams,
          body: EmptyBody,
          response: { 200: WithPayout, ...adminErrors },
        },
      },
      async (request) => {
        const principal = requireRole(request, 'admin');
        const { id } = request.params as { id: string };
        return { payout: await payouts.approve(actorOf(principal, request.ip), SITE_APP_ID, id) };
      },
    );

    app.post(
      '/admin/payouts/:id/reject',
      {
        schema: {
          tags,
          summary: "Reject a payout that was not paid; the coins return to the creator's earnings (admins)",
          params: PayoutParams,
          body: RejectBody,
          response: { 200: WithPayout, ...adminErrors },
        },
      },
      async (request) => {
        const principal = requireRole(request, 'admin');
        const { id } = request.params as { id: string };
        const { reason } = request.body as { reason: string };
        return { payout: await payouts.reject(actorOf(principal, request.ip), SITE_APP_ID, id, reason) };
      },
    );

    app.post(
      '/admin/payouts/:id/mark-paid',
      {
        schema: {
          tags,
          summary: 'Record that an approved payout was sent, with its transfer reference (admins)',
          params: PayoutParams,
          body: MarkPaidBody,
          response: { 200: WithPayout, ...adminErrors },
        },
      },
      async (request) => {
        const principal = requireRole(request, 'admin');
        const { id } = request.params as { id: string };
        const { reference } = request.body as { reference: string };
        return { payout: await payouts.markPaid(actorOf(principal, request.ip), SITE_APP_ID, id, reference) };
      },
    );

    app.get(
      '/admin/split',
      {
        schema: {
          tags,
          summary:
            "The site's default creator share, the payout minimum and creators with their own split (admins)",
          response: { 200: SplitSettings, ...errorResponses(401, 403) },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        return {
          creatorBps: await split.appDefault(SITE_APP_ID),
          payoutMinimum: await split.payoutMinimum(SITE_APP_ID),
          overrides: await split.overrides(SITE_APP_ID),
        };
      },
    );

    app.put(
      '/admin/split',
      {
        schema: {
          tags,
          summary:
            "Set the site's default creator share in basis points, and optionally the payout minimum (admins)",
          body: SplitBody,
          response: {
            200: Type.Object({ creatorBps: Type.Integer(), payoutMinimum: Type.Integer() }),
            ...creatorErrors,
          },
        },
      },
      async (request) => {
        const principal = requireRole(request, 'admin');
        return split.setAppDefault(
          actorOf(principal, request.ip),
          SITE_APP_ID,
          request.body as { creatorBps: number; payoutMinimum?: number },
        );
      },
    );

    app.put(
      '/admin/creators/:userId/split',
      {
        schema: {
          tags,
          summary: "Give a creator their own share in basis points, or null for the site's default (admins)",
          params: UserParams,
          body: CreatorSplitBody,
          response: {
            200: Type.Object({ creatorId: Type.String(), creatorBps: Type.Integer() }),
            ...adminErrors,
          },
        },
      },
      async (request) => {
        const principal = requireRole(request, 'admin');
        const { userId } = request.params as { userId: string };
        const { creatorBps } = request.body as { creatorBps: number | null };
        return split.setCreatorOverride(actorOf(principal, request.ip), SITE_APP_ID, userId, creatorBps);
      },
    );
  };
}
