import type { EventName, GiftSentData, TipSentData } from '@pnptv/protocol';
import type { Actor, AuditStore } from '../audit/index.ts';
import { publishEvent } from '../platform/bus/index.ts';
import type { Tx } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import type { Platform } from '../platform/platform.ts';
import { StreamStore } from '../streams/index.ts';
import { type AccountSpec, type LedgerService, walletErrors } from '../wallet/index.ts';
import { shardCount, shardFor, splitGift, withoutZeroLegs } from '../wallet/ledger.rules.ts';
import { defaultSplit, type SplitPolicy } from '../wallet/split.ts';
import { giftErrors } from './gifts.errors.ts';
import {
  acceptsGifts,
  DEFAULT_SEND_LIMIT,
  giftTotal,
  isClientKey,
  isEmojiIcon,
  isTipAmount,
  sendLedgerKey,
  tipMessage,
} from './gifts.rules.ts';
import {
  type CreateGiftInput,
  type GiftView,
  toGift,
  toGiftSent,
  toTipSent,
  type UpdateGiftInput,
} from './gifts.schemas.ts';
import { type GiftEventRow, type GifterRow, GiftStore } from './gifts.store.ts';

/** The member sending a gift or tip: their id and the name shown with it. */
export interface Sender {
  userId: string;
  name: string;
}

/** A gift send: `quantity` (default 1) of one catalogue gift, under the client's idempotency key. */
export interface SendGiftInput {
  appId: string;
  streamId: string;
  giftId: string;
  quantity?: number;
  idempotencyKey: string;
}

/** A tip: any whole number of coins, with an optional plain-text message. */
export interface SendTipInput {
  appId: string;
  streamId: string;
  coins: number;
  message?: string;
  idempotencyKey: string;
}

/** What the gifts capability is built from. */
export interface GiftServiceDeps {
  platform: Pick<Platform, 'db' | 'clock' | 'bus' | 'rateLimiter' | 'log'>;
  audit: AuditStore;
  ledger: LedgerService;
  /** How sends are split between creator and platform; default 70/30. */
  split?: SplitPolicy;
  /** Whether a member's wallet is locked (spent coins taken back by a refund); locked wallets cannot spend. */
  walletLocked?: (appId: string, userId: string) => Promise<boolean>;
  /** Gift and tip sends allowed per member per window; default DEFAULT_SEND_LIMIT. */
  sendLimit?: { limit: number; windowMs: number };
}

/** What one send paid for and recorded. */
interface Recorded {
  row: GiftEventRow;
  balance: number;
  /** False when the idempotency key had been used: nothing new was charged or announced. */
  fresh: boolean;
}

/** Facts about the send being paid for, validated before the transaction. */
interface Charge {
  appId: string;
  kind: 'gift' | 'tip';
  streamId: string;
  sender: Sender;
  coins: number;
  requestKey: string;
  gift: { id: string; name: string; icon: string; animation: GiftView['animation']; quantity: number } | null;
  message: string | null;
}

/** Whether a recorded send is the gift send described (a later price change does not matter). */
function sameGift(row: GiftEventRow, streamId: string, giftId: string, quantity: number): boolean {
  return (
    row.kind === 'gift' && row.stream_id === streamId && row.gift_id === giftId && row.quantity === quantity
  );
}

/**
 * Gifts and tips on live streams: the catalogue, sending (the viewer's coins split between
 * the stream's owner and the platform through the ledger, recorded with the board in the same
 * transaction, announced as `gift.sent` / `tip.sent`), and the per-stream top-gifters board.
 */
export class GiftService {
  private readonly store = new GiftStore();
  private readonly streams = new StreamStore();
  private readonly split: SplitPolicy;
  private readonly limit: { limit: number; windowMs: number };
  /** Ledger account ids by app, kind, owner and shard: they never change, so each is resolved once. */
  private readonly accountIds = new Map<string, string>();

  constructor(private readonly deps: GiftServiceDeps) {
    this.split = deps.split ?? defaultSplit;
    this.limit = deps.sendLimit ?? DEFAULT_SEND_LIMIT;
  }

  /** The app's catalogue: active gifts only, or every gift for admins. */
  async catalogue(appId: string, all = false): Promise<GiftView[]> {
    return (await this.store.list(this.deps.platform.db, appId, all)).map(toGift);
  }

  /** Adds a gift to the catalogue (audited). */
  async createGift(actor: Actor, appId: string, input: CreateGiftInput): Promise<GiftView> {
    if (!isEmojiIcon(input.icon)) throw giftErrors.GIFT_INVALID('The icon must be an emoji');
    const name = input.name.trim();
    if (name.length === 0) throw giftErrors.GIFT_INVALID('The gift needs a name');
    const now = new Date(this.deps.platform.clock.now());
    return this.deps.platform.db.transaction().execute(async (tx) => {
      const row = await this.store.insert(tx, {
        id: newId('gift', now.getTime()),
        app_id: appId,
        name,
        icon: input.icon,
        coins: input.coins,
        animation: input.animation,
        active: input.active ?? true,
        sort_order: input.sortOrder ?? 0,
        created_at: now,
        updated_at: now,
      });
      await this.audit(tx, actor, appId, 'gift.create', row.id, { ...input }, now);
      return toGift(row);
    });
  }

  /** Changes a gift of the catalogue (audited); gifts are retired with `active: false`, never deleted. */
  async updateGift(actor: Actor, appId: string, id: string, input: UpdateGiftInput): Promise<GiftView> {
    if (input.icon !== undefined && !isEmojiIcon(input.icon))
      throw giftErrors.GIFT_INVALID('The icon must be an emoji');
    const name = input.name?.trim();
    if (name !== undefined && name.length === 0) throw giftErrors.GIFT_INVALID('The gift needs a name');
    const now = new Date(this.deps.platform.clock.now());
    return this.deps.platform.db.transaction().execute(async (tx) => {
      const row = await this.store.update(
        tx,
        appId,
        id,
        {
          name,
          icon: input.icon,
          coins: input.coins,
          animation: input.animation,
          active: input.active,
          sort_order: input.sortOrder,
        },
        now,
      );
      if (!row) throw giftErrors.GIFT_NOT_FOUND();
      await this.audit(tx, actor, appId, 'gift.update', id, { ...input }, now);
      return toGift(row);
    });
  }

  /**
   * Sends `quantity` of a catalogue gift on a live stream. Refused when the stream is not on
   * air, is the sender's own, or the wallet cannot pay (WALLET_INSUFFICIENT_FUNDS: nothing is
   * written). The same idempotency key again returns the first send and charges nothing.
   */
  async sendGift(sender: Sender, input: SendGiftInput): Promise<{ gift: GiftSentData; balance: number }> {
    const quantity = input.quantity ?? 1;
    this.checkKey(input.idempotencyKey);
    await this.throttle(input.appId, sender.userId);
    const { db } = this.deps.platform;
    const gift = await this.store.find(db, input.appId, input.giftId);
    const coins = gift?.active ? giftTotal(gift.coins, quantity) : null;
    if (!gift || coins === null) {
      // A retry of a send made before the gift was retired or repriced still gets its answer.
      const earlier = await this.store.findByRequest(
        db,
        input.appId,
        sender.userId,
        'gift',
        input.idempotencyKey,
      );
      if (earlier && sameGift(earlier, input.streamId, input.giftId, quantity)) {
        const balance = await this.deps.ledger.balanceOf({
          appId: input.appId,
          kind: 'member_wallet',
          ownerId: sender.userId,
        });
        return { gift: toGiftSent(earlier), balance };
      }
      if (!gift) throw giftErrors.GIFT_NOT_FOUND();
      if (!gift.active) throw giftErrors.GIFT_UNAVAILABLE();
      throw giftErrors.GIFT_INVALID('Too many gifts at once');
    }
    const charge: Charge = {
      appId: input.appId,
      kind: 'gift',
      streamId: input.streamId,
      sender,
      coins,
      requestKey: input.idempotencyKey,
      gift: { id: gift.id, name: gift.name, icon: gift.icon, animation: gift.animation, quantity },
      message: null,
    };
    const sent = await this.charge(charge);
    const data = toGiftSent(sent.row);
    if (sent.fresh) await this.announce('gift.sent', input.appId, data);
    return { gift: data, balance: sent.balance };
  }

  /** Sends a tip of `coins` (1…100,000) with an optional message, under the same rules as gifts. */
  async sendTip(sender: Sender, input: SendTipInput): Promise<{ tip: TipSentData; balance: number }> {
    if (!isTipAmount(input.coins)) throw giftErrors.GIFT_INVALID('A tip is 1 to 100,000 coins');
    let message: string | null;
    try {
      message = tipMessage(input.message);
    } catch {
      throw giftErrors.GIFT_INVALID('The tip message is too long');
    }
    this.checkKey(input.idempotencyKey);
    await this.throttle(input.appId, sender.userId);
    const sent = await this.charge({
      appId: input.appId,
      kind: 'tip',
      streamId: input.streamId,
      sender,
      coins: input.coins,
      requestKey: input.idempotencyKey,
      gift: null,
      message,
    });
    const data = toTipSent(sent.row);
    if (sent.fresh) await this.announce('tip.sent', input.appId, data);
    return { tip: data, balance: sent.balance };
  }

  /** The stream's top `limit` givers by coins of gifts and tips. */
  async topGifters(appId: string, streamId: string, limit: number): Promise<GifterRow[]> {
    const { db } = this.deps.platform;
    const stream = await this.streams.find(db, appId, streamId);
    if (!stream) throw giftErrors.GIFT_STREAM_NOT_FOUND();
    return this.store.topGifters(db, appId, streamId, limit);
  }

  /**
   * Pays for a send and records it: the ledger posting (debit the sender, credit the owner's
   * share and the platform's), the gift event and the board line commit together or not at all.
   */
  private async charge(c: Charge): Promise<Recorded> {
    const { db } = this.deps.platform;
    const wallet = { appId: c.appId, kind: 'member_wallet', ownerId: c.sender.userId } as const;
    // The balance is read before looking for an earlier send under the key: a send that
    // committed in between is then found, so a replay is never refused for the coins it spent.
    const funds = await this.deps.ledger.balanceOf(wallet);
    const [earlier, stream] = await Promise.all([
      this.store.findByRequest(db, c.appId, c.sender.userId, c.kind, c.requestKey),
      this.streams.find(db, c.appId, c.streamId),
    ]);
    if (earlier) return this.replay(c, earlier);
    if (!stream || stream.owner_id === null) throw giftErrors.GIFT_STREAM_NOT_FOUND();
    if (stream.owner_id === c.sender.userId) throw giftErrors.GIFT_OWN_STREAM();
    if (!acceptsGifts(stream.status)) throw giftErrors.GIFT_STREAM_OFFLINE();
    if (await this.deps.walletLocked?.(c.appId, c.sender.userId)) throw giftErrors.GIFT_WALLET_LOCKED();
    // An early answer that spares a transaction; the ledger enforces the balance either way.
    if (funds < c.coins) throw walletErrors.WALLET_INSUFFICIENT_FUNDS();
    const creatorId = stream.owner_id;
    const bps = await this.split.creatorBps(c.appId, creatorId);
    let shares: { creator: number; platform: number };
    try {
      shares = splitGift(c.coins, bps);
    } catch (error) {
      throw walletErrors.WALLET_INVALID_POSTING((error as Error).message);
    }
    // The same legs as LedgerService.sendGift: earnings and revenue shards chosen from the wallet.
    const walletId = await this.accountOf(wallet);
    const shard = shardFor(walletId, shardCount('creator_earnings'));
    const [earningsId, revenueId] = await Promise.all([
      this.accountOf({ appId: c.appId, kind: 'creator_earnings', ownerId: creatorId, shard }),
      this.accountOf({ appId: c.appId, kind: 'platform_revenue', ownerId: null, shard }),
    ]);
    const entries = withoutZeroLegs([
      { accountId: walletId, amount: -c.coins },
      { accountId: earningsId, amount: shares.creator },
      { accountId: revenueId, amount: shares.platform },
    ]);
    const now = new Date(this.deps.platform.clock.now());
    return db.transaction().execute(async (tx) => {
      const posted = await this.deps.ledger.post(tx, {
        appId: c.appId,
        kind: c.kind,
        idempotencyKey: sendLedgerKey(c.kind, c.sender.userId, c.requestKey),
        entries,
        metadata: {
          streamId: c.streamId,
          streamTitle: stream.title.slice(0, 140),
          description: c.gift
            ? `${c.gift.name} ×${c.gift.quantity} · ${stream.title.slice(0, 140)}`
            : stream.title.slice(0, 140),
          ...(c.gift ? { giftId: c.gift.id, giftName: c.gift.name, quantity: c.gift.quantity } : {}),
          from: c.sender.userId,
          to: creatorId,
          coins: c.coins,
          creatorBps: bps,
        },
      });
      if (posted.replayed) {
        const row = await this.store.findByTransaction(tx, posted.id);
        if (!row) throw new Error(`gift transaction ${posted.id} has no gift event`);
        return this.replay(c, row, tx);
      }
      const row: GiftEventRow = {
        id: newId(c.kind === 'gift' ? 'gft' : 'tip', now.getTime()),
        app_id: c.appId,
        kind: c.kind,
        stream_id: c.streamId,
        creator_id: creatorId,
        from_user_id: c.sender.userId,
        from_name: c.sender.name.slice(0, 80),
        gift_id: c.gift?.id ?? null,
        gift_name: c.gift?.name ?? null,
        icon: c.gift?.icon ?? null,
        animation: c.gift?.animation ?? null,
        quantity: c.gift?.quantity ?? 1,
        coins: c.coins,
        message: c.message,
        request_key: c.requestKey,
        transaction_id: posted.id,
        created_at: now,
      };
      await this.store.record(tx, row, now);
      return { row, balance: posted.balancesAfter?.[walletId] ?? 0, fresh: true };
    });
  }

  /** The answer to a key used before: the first send, when this request is the same one. */
  private async replay(c: Charge, row: GiftEventRow, tx?: Tx): Promise<Recorded> {
    const same = c.gift
      ? sameGift(row, c.streamId, c.gift.id, c.gift.quantity)
      : row.kind === 'tip' && row.stream_id === c.streamId && Number(row.coins) === c.coins;
    if (!same) throw walletErrors.WALLET_IDEMPOTENCY_CONFLICT();
    const balance = await this.deps.ledger.balanceOf(
      { appId: c.appId, kind: 'member_wallet', ownerId: c.sender.userId },
      tx,
    );
    return { row, balance, fresh: false };
  }

  /** The id of a ledger account, created (empty) on first use. */
  private async accountOf(spec: AccountSpec): Promise<string> {
    const key = `${spec.appId}\u0000${spec.kind}\u0000${spec.ownerId ?? ''}\u0000${spec.shard ?? 0}`;
    const cached = this.accountIds.get(key);
    if (cached) return cached;
    const { id } = await this.deps.ledger.ensureAccount(spec);
    if (this.accountIds.size >= 10_000) this.accountIds.clear();
    this.accountIds.set(key, id);
    return id;
  }

  private checkKey(key: string): void {
    if (!isClientKey(key))
      throw giftErrors.GIFT_INVALID('The idempotency key must be 1–100 printable characters');
  }

  private async throttle(appId: string, userId: string): Promise<void> {
    const hit = await this.deps.platform.rateLimiter.hit(
      `gifts:send:${appId}:${userId}`,
      this.limit.limit,
      this.limit.windowMs,
    );
    if (!hit.allowed) throw giftErrors.GIFT_RATE_LIMITED();
  }

  /** Publishes a send on the bus (webhooks, the realtime gateway); the send stands even if the bus is down. */
  private async announce(type: EventName, appId: string, data: GiftSentData | TipSentData): Promise<void> {
    const now = this.deps.platform.clock.now();
    try {
      await publishEvent(this.deps.platform.bus, { type, appId, data: { ...data } }, now);
    } catch (error) {
      this.deps.platform.log.warn(
        { cap: 'gifts', err: error, type, id: data.id },
        'could not publish a gift event',
      );
    }
  }

  private async audit(
    tx: Tx,
    actor: Actor,
    appId: string,
    action: string,
    targetId: string,
    data: Record<string, unknown>,
    now: Date,
  ): Promise<void> {
    await this.deps.audit.record(tx, { ...actor, appId, action, targetType: 'gift', targetId, data }, now);
  }
}
