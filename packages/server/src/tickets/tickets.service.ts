import type { Actor, AuditStore } from '../audit/index.ts';
import { isClientKey } from '../gifts/index.ts';
import type { Executor } from '../platform/db/schema.ts';
import type { Entitlements, GatedTarget } from '../platform/entitlements.ts';
import type { AppError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import type { Platform } from '../platform/platform.ts';
import { StreamStore } from '../streams/index.ts';
import type { LedgerService } from '../wallet/index.ts';
import { defaultSplit, type SplitPolicy } from '../wallet/split.ts';
import { ticketErrors } from './tickets.errors.ts';
import {
  accessWithoutTicket,
  canSetPrice,
  isTicketPrice,
  type TicketViewer,
  ticketLedgerKey,
} from './tickets.rules.ts';
import { type TicketRow, TicketStore } from './tickets.store.ts';

/** A ticket as the API shows it; `priceCoins` is what was paid. */
export interface TicketView {
  id: string;
  targetKind: 'stream' | 'room';
  targetId: string;
  priceCoins: number;
  createdAt: string;
}

/** Finds the owner of a gated target; undefined when the target does not exist in the app. */
export type TargetLookup = (
  appId: string,
  id: string,
) => Promise<{ ownerId: string | null; title?: string } | undefined>;

/** What the tickets capability is built from. */
export interface TicketServiceDeps {
  platform: Pick<Platform, 'db' | 'clock'>;
  audit: AuditStore;
  ledger: LedgerService;
  /** How ticket sales are split between the owner and the platform; default 70/30. */
  split?: SplitPolicy;
  /** Whether a member's wallet is locked (spent coins taken back by a refund); locked wallets cannot spend. */
  walletLocked?: (appId: string, userId: string) => Promise<boolean>;
  /** Finds rooms; until rooms are wired, room targets are unknown. */
  rooms?: TargetLookup;
}

/** A ticket row as the API shows it. */
export function toTicket(row: TicketRow): TicketView {
  return {
    id: row.id,
    targetKind: row.target_kind,
    targetId: row.target_id,
    priceCoins: row.price_coins,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Pay-per-view tickets for streams and rooms: the price set by the owner or an admin, buying
 * (coins split to the owner like a gift, once per user and target), and the `hasTicket`
 * answer of the Entitlements port.
 */
export class TicketService implements Pick<Entitlements, 'hasTicket'> {
  private readonly store = new TicketStore();
  private readonly streams = new StreamStore();
  private readonly split: SplitPolicy;

  constructor(private readonly deps: TicketServiceDeps) {
    this.split = deps.split ?? defaultSplit;
  }

  /** The target's ticket price (null: none sold) and whether the viewer has access through one. */
  async info(
    appId: string,
    viewer: TicketViewer | null,
    target: GatedTarget,
  ): Promise<{ priceCoins: number | null; owned: boolean }> {
    const { db } = this.deps.platform;
    const owner = await this.ownerOf(db, appId, target);
    const [priceCoins, held] = await Promise.all([
      this.store.price(db, appId, target),
      viewer ? this.store.held(db, appId, target, viewer.userId) : Promise.resolve(undefined),
    ]);
    const owned = viewer !== null && (held !== undefined || accessWithoutTicket(viewer, owner));
    return { priceCoins, owned };
  }

  /** The target's ticket price, or null when no ticket is sold (for the streams and rooms gates). */
  async priceOf(appId: string, target: GatedTarget): Promise<number | null> {
    return this.store.price(this.deps.platform.db, appId, target);
  }

  /** Sets the ticket price (null stops selling; tickets already bought stay valid). Owner or admin only; audited. */
  async setPrice(
    actor: Actor,
    viewer: TicketViewer,
    appId: string,
    target: GatedTarget,
    priceCoins: number | null,
  ): Promise<{ priceCoins: number | null }> {
    if (!isTicketPrice(priceCoins)) throw ticketErrors.TICKET_INVALID('A ticket costs 1 to 1,000,000 coins');
    const { db, clock } = this.deps.platform;
    const now = new Date(clock.now());
    await db.transaction().execute(async (tx) => {
      const owner = await this.ownerOf(tx, appId, target);
      if (!canSetPrice(viewer, owner)) throw ticketErrors.TICKET_FORBIDDEN();
      await this.store.setPrice(tx, appId, target, priceCoins, viewer.userId, now);
      await this.deps.audit.record(
        tx,
        {
          ...actor,
          appId,
          action: 'ticket.price.set',
          targetType: target.kind,
          targetId: target.id,
          data: { priceCoins },
        },
        now,
      );
    });
    return { priceCoins };
  }

  /**
   * Buys the viewer's ticket for the target: debits the price from their wallet and credits
   * the owner's share and the platform's. A user holds at most one ticket per target: buying
   * again (with any key) returns the ticket held and charges nothing (`created` false).
   * WALLET_INSUFFICIENT_FUNDS when the wallet cannot pay; nothing is written then.
   */
  async purchase(
    buyer: TicketViewer,
    appId: string,
    target: GatedTarget,
    idempotencyKey: string,
  ): Promise<{ ticket: TicketView; balance: number; created: boolean }> {
    if (!isClientKey(idempotencyKey))
      throw ticketErrors.TICKET_INVALID('The idempotency key must be 1–100 printable characters');
    const { db, clock } = this.deps.platform;
    const { ownerId: owner, title } = await this.targetOf(db, appId, target);
    const held = await this.store.held(db, appId, target, buyer.userId);
    if (held) return this.existing(appId, buyer.userId, held);
    if (owner === buyer.userId) throw ticketErrors.TICKET_OWN_TARGET();
    const price = await this.store.price(db, appId, target);
    if (price === null || owner === null) throw ticketErrors.TICKET_NOT_FOR_SALE();
    if (await this.deps.walletLocked?.(appId, buyer.userId)) throw ticketErrors.TICKET_WALLET_LOCKED();
    const bps = await this.split.creatorBps(appId, owner);
    const now = new Date(clock.now());
    try {
      return await db.transaction().execute(async (tx) => {
        const posted = await this.deps.ledger.sendGift(tx, {
          appId,
          fromUserId: buyer.userId,
          toCreatorId: owner,
          coins: price,
          splitCreatorBps: bps,
          idempotencyKey: ticketLedgerKey(target, buyer.userId),
          kind: 'ticket',
          metadata: {
            targetKind: target.kind,
            targetId: target.id,
            description: title.slice(0, 140),
            requestKey: idempotencyKey,
          },
        });
        if (posted.replayed) {
          const row = await this.store.byTransaction(tx, posted.id);
          if (!row) throw new Error(`ticket transaction ${posted.id} has no ticket`);
          return this.existing(appId, buyer.userId, row, tx);
        }
        const walletLeg = posted.entries.find((e) => e.amount < 0)!;
        const row = await this.store.insert(tx, {
          id: newId('tkt', now.getTime()),
          app_id: appId,
          target_kind: target.kind,
          target_id: target.id,
          user_id: buyer.userId,
          creator_id: owner,
          price_coins: price,
          transaction_id: posted.id,
          created_at: now,
        });
        return {
          ticket: toTicket(row),
          balance: posted.balancesAfter?.[walletLeg.accountId] ?? 0,
          created: true,
        };
      });
    } catch (error) {
      // A concurrent purchase at another price won the key: the ticket it bought is the answer.
      if ((error as AppError).code !== 'WALLET_IDEMPOTENCY_CONFLICT') throw error;
      const row = await this.store.held(db, appId, target, buyer.userId);
      if (!row) throw error;
      return this.existing(appId, buyer.userId, row);
    }
  }

  /** Whether the user holds a ticket for the target; its owner and admins always count as holding one. */
  async hasTicket(appId: string, userId: string, target: GatedTarget): Promise<boolean> {
    const { db } = this.deps.platform;
    if (await this.store.held(db, appId, target, userId)) return true;
    const [owner, role] = await Promise.all([
      this.ownerOf(db, appId, target).catch(() => null),
      this.store.roleOf(db, userId),
    ]);
    return role !== undefined && accessWithoutTicket({ userId, role }, owner);
  }

  private async existing(
    appId: string,
    userId: string,
    row: TicketRow,
    tx?: Executor,
  ): Promise<{ ticket: TicketView; balance: number; created: boolean }> {
    const balance = await this.deps.ledger.balanceOf({ appId, kind: 'member_wallet', ownerId: userId }, tx);
    return { ticket: toTicket(row), balance, created: false };
  }

  /** The target's owner (null when it has none); TICKET_TARGET_NOT_FOUND when it does not exist. */
  private async ownerOf(db: Executor, appId: string, target: GatedTarget): Promise<string | null> {
    return (await this.targetOf(db, appId, target)).ownerId;
  }

  /** The target's owner and title; TICKET_TARGET_NOT_FOUND when it does not exist. */
  private async targetOf(
    db: Executor,
    appId: string,
    target: GatedTarget,
  ): Promise<{ ownerId: string | null; title: string }> {
    if (target.kind === 'stream') {
      const stream = await this.streams.find(db, appId, target.id);
      if (!stream) throw ticketErrors.TICKET_TARGET_NOT_FOUND();
      return { ownerId: stream.owner_id, title: stream.title };
    }
    const room = this.deps.rooms ? await this.deps.rooms(appId, target.id) : undefined;
    if (!room) throw ticketErrors.TICKET_TARGET_NOT_FOUND();
    return { ownerId: room.ownerId, title: room.title ?? '' };
  }
}
