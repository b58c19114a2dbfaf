import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { requireSession } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, errorResponses, IsoDate, Page, PageQuery } from '../platform/http/schemas.ts';
import { COIN } from './ledger.rules.ts';
import type { HistoryRow } from './ledger.store.ts';
import type { LedgerService } from './wallet.service.ts';

const WalletView = Type.Object({
  balance: Type.Integer(),
  currency: Type.Literal(COIN),
  locked: Type.Boolean({
    description: 'A refund or chargeback took back coins already spent; spending waits until it is repaid',
  }),
});

const HistoryItem = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'purchase, gift, tip, ticket, subscription, refund…' }),
  amount: Type.Integer({ description: 'Signed: positive credits the wallet, negative debits it' }),
  createdAt: IsoDate,
  description: Type.String(),
});

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** A line of history in words, from the movement's kind and what the ledger recorded about it. */
export function describeEntry(row: Pick<HistoryRow, 'kind' | 'amount' | 'metadata'>): string {
  const m = row.metadata;
  const coins = Math.abs(row.amount);
  switch (row.kind) {
    case 'purchase':
      return text(m.packageName) ? `Bought ${coins} coins (${m.packageName})` : `Bought ${coins} coins`;
    case 'refund':
      return text(m.orderId) ? `Purchase ${m.orderId} taken back` : `${coins} coins taken back`;
    case 'gift':
      return row.amount < 0 ? `Sent a gift of ${coins} coins` : `Received a gift of ${coins} coins`;
    case 'tip':
      return row.amount < 0 ? `Sent a tip of ${coins} coins` : `Received a tip of ${coins} coins`;
    case 'ticket':
      return `Ticket for ${coins} coins`;
    case 'subscription':
      return `Subscription for ${coins} coins`;
    default:
      return `${row.kind}: ${row.amount > 0 ? '+' : '−'}${coins} coins`;
  }
}

/**
 * The signed-in member's wallet on the site: its balance (and whether a reversal locked it)
 * and its history, newest first.
 */
export function walletRoutes(deps: {
  ledger: LedgerService;
  /** Whether the member's wallet is locked (payments: a reversal left a debt). */
  isLocked: (appId: string, userId: string) => Promise<boolean>;
}): FastifyPluginAsync {
  const { ledger } = deps;
  return async (app) => {
    const tags = ['wallet'];

    app.get(
      '/wallet',
      {
        schema: {
          tags,
          summary: 'My coin balance',
          response: { 200: WalletView, ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        const userId = requireSession(request).user.id;
        const spec = { appId: SITE_APP_ID, kind: 'member_wallet' as const, ownerId: userId };
        const [balance, locked] = await Promise.all([
          ledger.balanceOf(spec),
          deps.isLocked(SITE_APP_ID, userId),
        ]);
        return { balance, currency: COIN, locked };
      },
    );

    app.get(
      '/wallet/history',
      {
        schema: {
          tags,
          summary: 'My wallet’s movements, newest first',
          querystring: PageQuery,
          response: { 200: Page(HistoryItem), ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        const userId = requireSession(request).user.id;
        const { limit, cursor } = request.query as { limit: number; cursor?: string };
        const [account] = await ledger.shardsOf({
          appId: SITE_APP_ID,
          kind: 'member_wallet',
          ownerId: userId,
        });
        if (!account) return { items: [], nextCursor: null };
        const page = await ledger.history(account.id, { limit, cursor });
        return {
          items: page.items.map((row) => ({
            id: row.entryId,
            kind: row.kind,
            amount: row.amount,
            createdAt: row.createdAt.toISOString(),
            description: describeEntry(row),
          })),
          nextCursor: page.nextCursor,
        };
      },
    );
  };
}
