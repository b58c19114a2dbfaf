import type { EventName } from '@pnptv/protocol';
import type { Logger } from 'pino';
import type { Actor, AuditStore } from '../audit/index.ts';
import { publishEvent } from '../platform/bus/index.ts';
import type { Executor, Tx } from '../platform/db/schema.ts';
import { AppError, commonErrors } from '../platform/errors.ts';
import { iso } from '../platform/http/schemas.ts';
import { capLogger } from '../platform/log.ts';
import type { Platform } from '../platform/platform.ts';
import type { LedgerService } from '../wallet/index.ts';
import { walletErrors } from '../wallet/index.ts';
import { paymentErrors } from './payments.errors.ts';
import { CallbackIntake } from './payments.intake.ts';
import { receiptMail } from './payments.mails.ts';
import {
  amountMismatch,
  isOpen,
  type OrderStatus,
  type ProviderId,
  paymentConflict,
  type Transition,
  transition,
} from './payments.rules.ts';
import { type OrderRow, type PackageRow, PaymentsStore } from './payments.store.ts';
import { EpaycoProvider } from './providers/epayco.provider.ts';
import {
  type CallbackHeaders,
  type CheckoutOrder,
  type PaymentProvider,
  type ProviderHttp,
  ProviderUnavailableError,
  type VerifiedCallback,
} from './providers/provider.port.ts';
import { type SandboxChoice, SandboxProvider } from './providers/sandbox.provider.ts';
import { StripeProvider } from './providers/stripe.provider.ts';

/** A coin package as the API shows it. */
export interface CoinPackage {
  id: string;
  name: string;
  coins: number;
  priceMinor: number;
  currency: string;
  active: boolean;
}

/** An order as the API shows it to its member. */
export interface Order {
  id: string;
  packageId: string;
  coins: number;
  amountMinor: number;
  currency: string;
  provider: ProviderId;
  status: OrderStatus;
  createdAt: string;
  paidAt: string | null;
}

/** An order as admins see it. */
export interface AdminOrder extends Order {
  userId: string;
  userEmail: string | null;
  flagReason: string | null;
}

/** The signed-in member a purchase is for. */
export interface Buyer {
  appId: string;
  userId: string;
}

/** What happened to a callback. */
export interface CallbackResult {
  result: 'applied' | 'duplicate' | 'ignored';
  orderId: string | null;
  status: OrderStatus | null;
}

/** What the payments capability is built from. */
export interface PaymentsServiceDeps {
  platform: Platform;
  audit: AuditStore;
  ledger: LedgerService;
  /** Outbound HTTP to the providers' APIs (ePayco's transaction validation, Stripe). */
  http: ProviderHttp;
}

/** How many times a reversal re-reads the wallet when spending races it. */
const REVERSAL_ATTEMPTS = 5;
/** Orders a member may open per minute. */
const CHECKOUTS_PER_MINUTE = 20;
/** The payment events counted in `pnptv_payments_total`, and the outcome label of each. */
const PAYMENT_OUTCOMES: Partial<Record<EventName, 'succeeded' | 'refunded'>> = {
  'payment.succeeded': 'succeeded',
  'payment.refunded': 'refunded',
};

function toPackage(row: PackageRow): CoinPackage {
  return {
    id: row.id,
    name: row.name,
    coins: row.coins,
    priceMinor: row.price_minor,
    currency: row.currency,
    active: row.active,
  };
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    packageId: row.package_id,
    coins: row.coins,
    amountMinor: row.amount_minor,
    currency: row.currency,
    provider: row.provider,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    paidAt: iso(row.paid_at),
  };
}

/**
 * Buying coins: packages, orders, checkouts through the enabled providers, and the one path
 * every provider callback takes (stored raw, verified, applied exactly once). Coins move only
 * through the ledger, in the same database transaction as the order's change.
 */
export class PaymentsService {
  private readonly store = new PaymentsStore();
  private readonly log: Logger;
  private readonly providers = new Map<ProviderId, PaymentProvider>();
  private readonly intake: CallbackIntake;
  /** The sandbox provider when enabled. */
  readonly sandbox: SandboxProvider | null;
  /** The ePayco provider when configured. */
  readonly epayco: EpaycoProvider | null;

  constructor(private readonly deps: PaymentsServiceDeps) {
    const { config } = deps.platform;
    this.log = capLogger(deps.platform.log, 'payments');
    this.sandbox = config.payments.sandbox ? new SandboxProvider() : null;
    const timeoutMs = config.payments.providerTimeoutMs;
    this.epayco = config.payments.epayco
      ? new EpaycoProvider(config.payments.epayco, config.publicUrl, deps.http, timeoutMs)
      : null;
    const stripe = config.payments.stripe
      ? new StripeProvider({ ...config.payments.stripe, timeoutMs }, config.publicUrl, deps.http)
      : null;
    this.intake = new CallbackIntake({
      db: deps.platform.db,
      rateLimiter: deps.platform.rateLimiter,
      store: this.store,
      log: this.log,
      callbacks: deps.platform.metrics.paymentCallbacks,
    });
    for (const provider of [this.sandbox, this.epayco, stripe]) {
      if (provider) this.providers.set(provider.id, provider);
    }
    if (this.sandbox && (this.epayco || stripe)) {
      this.log.warn(
        'the sandbox checkout is enabled next to real payment providers: anyone can get coins without paying (set PAYMENTS_SANDBOX=false)',
      );
    }
  }

  private get db() {
    return this.deps.platform.db;
  }

  private now(): Date {
    return new Date(this.deps.platform.clock.now());
  }

  // Packages ----------------------------------------------------------------------------

  async listPackages(appId: string, activeOnly: boolean): Promise<CoinPackage[]> {
    return (await this.store.listPackages(this.db, appId, activeOnly)).map(toPackage);
  }

  async createPackage(
    actor: Actor,
    appId: string,
    input: { name: string; coins: number; priceMinor: number; currency: string },
  ): Promise<CoinPackage> {
    const now = this.now();
    return this.db.transaction().execute(async (tx) => {
      const row = await this.store.insertPackage(tx, appId, { ...input, name: input.name.trim() }, now);
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'coin_package.create',
          targetType: 'coin_package',
          targetId: row.id,
          data: { ...input },
        },
        now,
      );
      return toPackage(row);
    });
  }

  async updatePackage(
    actor: Actor,
    appId: string,
    id: string,
    patch: { name?: string; coins?: number; priceMinor?: number; currency?: string; active?: boolean },
  ): Promise<CoinPackage> {
    const now = this.now();
    return this.db.transaction().execute(async (tx) => {
      const row = await this.store.updatePackage(
        tx,
        appId,
        id,
        {
          ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
          ...(patch.coins !== undefined ? { coins: patch.coins } : {}),
          ...(patch.priceMinor !== undefined ? { price_minor: patch.priceMinor } : {}),
          ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
          ...(patch.active !== undefined ? { active: patch.active } : {}),
        },
        now,
      );
      if (!row) throw paymentErrors.PAYMENTS_PACKAGE_NOT_FOUND();
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'coin_package.update',
          targetType: 'coin_package',
          targetId: id,
          data: { ...patch },
        },
        now,
      );
      return toPackage(row);
    });
  }

  // Checkout ----------------------------------------------------------------------------

  /** The providers members can pay with, sandbox first. */
  enabledProviders(): { id: ProviderId; name: string }[] {
    return [...this.providers.values()].map((p) => ({ id: p.id, name: p.name }));
  }

  private provider(id: ProviderId): PaymentProvider {
    const provider = this.providers.get(id);
    if (!provider) throw paymentErrors.PAYMENTS_PROVIDER_DISABLED();
    return provider;
  }

  /**
   * Opens an order for a package and the provider's checkout. The order is committed first:
   * if the provider does not answer, it stays pending and `resumeCheckout` retries it.
   */
  async checkout(
    buyer: Buyer,
    packageId: string,
    providerId: ProviderId,
  ): Promise<{ order: Order; redirectUrl: string }> {
    const provider = this.provider(providerId);
    const gate = await this.deps.platform.rateLimiter.hit(
      `payments:checkout:${buyer.userId}`,
      CHECKOUTS_PER_MINUTE,
      60_000,
    );
    if (!gate.allowed) throw commonErrors.RATE_LIMITED();
    const pkg = await this.store.findPackage(this.db, buyer.appId, packageId);
    if (!pkg) throw paymentErrors.PAYMENTS_PACKAGE_NOT_FOUND();
    if (!pkg.active) throw paymentErrors.PAYMENTS_PACKAGE_INACTIVE();
    const order = await this.store.insertOrder(
      this.db,
      { appId: buyer.appId, userId: buyer.userId, pkg, provider: providerId },
      this.now(),
    );
    this.deps.platform.metrics.paymentCheckouts.inc({ provider: providerId });
    return this.openCheckout(order, provider);
  }

  /** Opens the provider's checkout again for an order of the buyer that can still be paid. */
  async resumeCheckout(buyer: Buyer, orderId: string): Promise<{ order: Order; redirectUrl: string }> {
    const order = await this.ownOrder(buyer, orderId);
    if (!isOpen(order.status)) throw paymentErrors.PAYMENTS_ORDER_NOT_OPEN();
    return this.openCheckout(order, this.provider(order.provider));
  }

  private async checkoutOrder(order: OrderRow): Promise<CheckoutOrder> {
    const user = await this.db
      .selectFrom('users')
      .select(['email', 'locale'])
      .where('id', '=', order.user_id)
      .executeTakeFirst();
    return {
      id: order.id,
      packageName: order.package_name,
      coins: order.coins,
      amountMinor: order.amount_minor,
      currency: order.currency,
      customerEmail: user?.email ?? null,
      locale: user?.locale ?? 'en',
    };
  }

  private async openCheckout(
    order: OrderRow,
    provider: PaymentProvider,
  ): Promise<{ order: Order; redirectUrl: string }> {
    let session: { redirectUrl: string; providerRef: string | null };
    try {
      session = await provider.createCheckout(await this.checkoutOrder(order));
    } catch (error) {
      if (!(error instanceof ProviderUnavailableError)) throw error;
      this.log.warn({ orderId: order.id, provider: provider.id, err: error.message }, 'checkout not opened');
      throw paymentErrors.PAYMENTS_PROVIDER_UNAVAILABLE();
    }
    const updated = await this.store.updateOrder(
      this.db,
      order.id,
      { provider_ref: session.providerRef ?? order.provider_ref, checkout_url: session.redirectUrl },
      this.now(),
    );
    return { order: toOrder(updated), redirectUrl: session.redirectUrl };
  }

  /** ePayco's standard checkout page for a pending ePayco order; `scriptNonce` is the page's CSP nonce. */
  async epaycoCheckoutPage(orderId: string, scriptNonce: string): Promise<string> {
    const order = await this.store.findOrder(this.db, orderId);
    if (!this.epayco || !order || order.provider !== 'epayco') throw paymentErrors.PAYMENTS_ORDER_NOT_FOUND();
    if (!isOpen(order.status)) throw paymentErrors.PAYMENTS_ORDER_NOT_OPEN();
    return this.epayco.checkoutPage(await this.checkoutOrder(order), scriptNonce);
  }

  // Orders ------------------------------------------------------------------------------

  private async ownOrder(buyer: Buyer, orderId: string): Promise<OrderRow> {
    const order = await this.store.findOrder(this.db, orderId);
    if (!order || order.app_id !== buyer.appId || order.user_id !== buyer.userId)
      throw paymentErrors.PAYMENTS_ORDER_NOT_FOUND();
    return order;
  }

  async getOrder(buyer: Buyer, orderId: string): Promise<Order> {
    return toOrder(await this.ownOrder(buyer, orderId));
  }

  async listOrders(
    buyer: Buyer,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: Order[]; nextCursor: string | null }> {
    const rows = await this.store.listOrders(this.db, { appId: buyer.appId, userId: buyer.userId, ...page });
    return { items: rows.map(toOrder), nextCursor: rows.length === page.limit ? rows.at(-1)!.id : null };
  }

  async adminListOrders(filter: {
    status?: OrderStatus;
    limit: number;
    cursor?: string;
  }): Promise<{ items: AdminOrder[]; nextCursor: string | null }> {
    const rows = await this.store.listOrders(this.db, filter);
    return {
      items: rows.map((r) => ({
        ...toOrder(r),
        userId: r.user_id,
        userEmail: r.user_email,
        flagReason: r.flag_reason,
      })),
      nextCursor: rows.length === filter.limit ? rows.at(-1)!.id : null,
    };
  }

  // Sandbox -----------------------------------------------------------------------------

  private async sandboxOrder(buyer: Buyer, orderId: string): Promise<OrderRow> {
    if (!this.sandbox) throw paymentErrors.PAYMENTS_PROVIDER_DISABLED();
    const order = await this.ownOrder(buyer, orderId);
    if (order.provider !== 'sandbox') throw paymentErrors.PAYMENTS_ORDER_NOT_FOUND();
    return order;
  }

  async sandboxView(buyer: Buyer, orderId: string): Promise<{ order: Order; packageName: string }> {
    const order = await this.sandboxOrder(buyer, orderId);
    return { order: toOrder(order), packageName: order.package_name };
  }

  /** The sandbox checkout's choice, applied through the same callback path as real providers. */
  async completeSandbox(
    buyer: Buyer,
    orderId: string,
    choice: SandboxChoice,
  ): Promise<{ order: Order; returnUrl: string }> {
    const order = await this.sandboxOrder(buyer, orderId);
    const notice = this.sandbox!.notice(
      { id: order.id, amountMinor: order.amount_minor, currency: order.currency },
      choice,
    );
    await this.receiveCallback('sandbox', notice.rawBody, notice.headers);
    return {
      order: toOrder((await this.store.findOrder(this.db, order.id))!),
      returnUrl: `/wallet?order=${order.id}`,
    };
  }

  // Callbacks ---------------------------------------------------------------------------

  /**
   * The one path of every provider callback: verified and, where the provider's signature
   * does not cover everything, confirmed with the provider (CallbackIntake refuses the rest),
   * stored raw under the provider's event id (a replay is answered as a duplicate and changes
   * nothing), then applied to its order through the state machine with the ledger movement in
   * the same transaction.
   */
  async receiveCallback(
    providerId: ProviderId,
    rawBody: string,
    headers: CallbackHeaders,
  ): Promise<CallbackResult> {
    const provider = this.provider(providerId);
    const receivedAt = this.now();
    const { callback, headers: kept } = await this.intake.admit(provider, rawBody, headers, receivedAt);
    const events: { type: EventName; appId: string; data: Record<string, unknown> }[] = [];
    let result: CallbackResult;
    try {
      result = await this.db.transaction().execute(async (tx) => {
        const callbackId = await this.store.insertCallback(
          tx,
          {
            provider: providerId,
            providerEventId: callback.eventId,
            orderId: null,
            rawBody,
            headers: kept,
            verified: true,
            outcome: null,
            error: null,
          },
          receivedAt,
        );
        if (!callbackId) return { result: 'duplicate', orderId: null, status: null } as CallbackResult;
        const order = await this.locateOrder(tx, providerId, callback);
        if (!order) {
          await this.store.settleCallback(tx, callbackId, null, 'no_order');
          return { result: 'ignored', orderId: null, status: null } as CallbackResult;
        }
        if (callback.outcome === null) {
          await this.store.settleCallback(tx, callbackId, order.id, 'ignored');
          return { result: 'ignored', orderId: order.id, status: order.status } as CallbackResult;
        }
        const credited =
          callback.outcome === 'accepted' && callback.paymentRef
            ? await this.store.findOrderByPaymentRef(tx, providerId, callback.paymentRef)
            : undefined;
        const conflict = paymentConflict(
          { id: order.id, status: order.status, paymentRef: order.provider_payment_ref },
          { ...callback, outcome: callback.outcome },
          credited?.id ?? null,
        );
        if (conflict) {
          this.log.warn(
            { orderId: order.id, provider: providerId, conflict },
            'payment callback not applied',
          );
          await this.store.settleCallback(tx, callbackId, order.id, `ignored: ${conflict}`);
          return { result: 'ignored', orderId: order.id, status: order.status } as CallbackResult;
        }
        const mismatch =
          callback.outcome === 'refunded' || callback.outcome === 'charged_back'
            ? null
            : amountMismatch(
                { amountMinor: order.amount_minor, currency: order.currency },
                callback.reported,
              );
        const next = transition(order.status, callback.outcome, mismatch);
        const updated = await this.apply(tx, order, next, callback.paymentRef, events);
        await this.store.settleCallback(
          tx,
          callbackId,
          order.id,
          `${callback.outcome}: ${order.status} -> ${updated.status}`,
        );
        if (next.status === 'flagged' && order.status !== 'flagged')
          this.log.warn({ orderId: order.id, reason: next.flagReason }, 'payment order flagged');
        return { result: 'applied', orderId: order.id, status: updated.status } as CallbackResult;
      });
    } catch (error) {
      await this.store
        .insertCallback(
          this.db,
          {
            provider: providerId,
            providerEventId: null,
            orderId: null,
            rawBody,
            headers: kept,
            verified: true,
            outcome: 'failed',
            error: (error as Error).message,
          },
          receivedAt,
        )
        .catch(() => {});
      this.deps.platform.metrics.paymentCallbacks.inc({ provider: providerId, result: 'failed' });
      throw error;
    }
    this.deps.platform.metrics.paymentCallbacks.inc({ provider: providerId, result: result.result });
    await this.publish(events);
    return result;
  }

  private async locateOrder(tx: Tx, providerId: ProviderId, callback: VerifiedCallback) {
    let order =
      callback.orderId && /^ord_[0-9a-z]+$/.test(callback.orderId)
        ? await this.store.findOrder(tx, callback.orderId, true)
        : undefined;
    if (!order && callback.paymentRef)
      order = await this.store.findOrderByPaymentRef(tx, providerId, callback.paymentRef, true);
    // A provider may only move its own orders.
    return order && order.provider === providerId ? order : undefined;
  }

  /** Applies a transition: the order's new status and, in the same transaction, its ledger effect. */
  private async apply(
    tx: Tx,
    order: OrderRow,
    next: Transition,
    paymentRef: string | null,
    events: { type: EventName; appId: string; data: Record<string, unknown> }[],
  ): Promise<OrderRow> {
    const now = this.now();
    if (next.status === order.status && next.effect === 'none') return order;
    const eventData = {
      orderId: order.id,
      userId: order.user_id,
      coins: order.coins,
      amountMinor: order.amount_minor,
      currency: order.currency,
      provider: order.provider,
    };
    if (next.effect === 'credit') {
      await this.deps.ledger.creditPurchase(tx, {
        appId: order.app_id,
        userId: order.user_id,
        coins: order.coins,
        provider: order.provider,
        idempotencyKey: `purchase:${order.id}`,
        metadata: { orderId: order.id, packageName: order.package_name },
      });
      await this.recoverDebts(tx, order.app_id, order.user_id, order.id);
      await this.sendReceipt(tx, order);
      events.push({ type: 'payment.succeeded', appId: order.app_id, data: eventData });
    }
    let locked = 0;
    if (next.effect === 'reverse') {
      locked = await this.reverse(tx, order);
      events.push({
        type: 'payment.refunded',
        appId: order.app_id,
        data: { ...eventData, reason: next.status, coinsOwed: locked },
      });
    }
    return this.store.updateOrder(
      tx,
      order.id,
      {
        status: next.status,
        ...(next.flagReason ? { flag_reason: next.flagReason } : {}),
        ...(next.effect === 'credit' ? { paid_at: now } : {}),
        ...(next.effect === 'reverse' ? { reversed_at: now } : {}),
        // The payment that paid the order, and no other, is recorded on it (unique per provider).
        ...(next.effect === 'credit' && paymentRef ? { provider_payment_ref: paymentRef } : {}),
      },
      now,
    );
  }

  /**
   * Takes a paid order's coins back from the wallet. If some were spent, the wallet gives what
   * it holds and a wallet lock records the rest, taken from the member's next purchases.
   * Returns the coins still owed.
   */
  private async reverse(tx: Tx, order: OrderRow): Promise<number> {
    const wallet = { appId: order.app_id, kind: 'member_wallet' as const, ownerId: order.user_id };
    for (let attempt = 1; ; attempt++) {
      const balance = await this.deps.ledger.balanceOf(wallet, tx);
      const taken = Math.min(balance, order.coins);
      try {
        if (taken > 0) {
          await this.deps.ledger.refundPurchase(tx, {
            appId: order.app_id,
            userId: order.user_id,
            coins: taken,
            provider: order.provider,
            idempotencyKey: `reversal:${order.id}`,
            metadata: { orderId: order.id, packageName: order.package_name, ordered: order.coins },
          });
        }
      } catch (error) {
        const racing =
          error instanceof AppError && error.code === walletErrors.WALLET_INSUFFICIENT_FUNDS().code;
        if (racing && attempt < REVERSAL_ATTEMPTS) continue;
        throw error;
      }
      const owed = order.coins - taken;
      if (owed > 0) {
        await this.store.insertLock(
          tx,
          { appId: order.app_id, userId: order.user_id, orderId: order.id, coinsOwed: owed },
          this.now(),
        );
        this.log.warn({ orderId: order.id, userId: order.user_id, owed }, 'wallet locked after a reversal');
      }
      return owed;
    }
  }

  /** Pays the wallet's open locks, oldest first, from what it now holds (after a purchase). */
  private async recoverDebts(tx: Tx, appId: string, userId: string, triggerOrderId: string): Promise<void> {
    const locks = await this.store.openLocks(tx, appId, userId, true);
    const wallet = { appId, kind: 'member_wallet' as const, ownerId: userId };
    for (const lock of locks) {
      const balance = await this.deps.ledger.balanceOf(wallet, tx);
      const coins = Math.min(balance, lock.coins_owed - lock.coins_recovered);
      if (coins <= 0) return;
      await this.deps.ledger.refundPurchase(tx, {
        appId,
        userId,
        coins,
        provider: lock.provider,
        idempotencyKey: `lock:${lock.id}:${triggerOrderId}`,
        metadata: { orderId: lock.order_id, recoveredWith: triggerOrderId },
      });
      await this.store.recordRecovery(tx, lock, coins, this.now());
    }
  }

  private async sendReceipt(tx: Tx, order: OrderRow): Promise<void> {
    const user = await tx
      .selectFrom('users')
      .select(['email', 'display_name', 'locale'])
      .where('id', '=', order.user_id)
      .executeTakeFirst();
    if (!user?.email) return;
    const mail = receiptMail(
      user.locale,
      user.display_name,
      {
        id: order.id,
        packageName: order.package_name,
        coins: order.coins,
        amountMinor: order.amount_minor,
        currency: order.currency,
        provider: this.providers.get(order.provider)?.name ?? order.provider,
      },
      `${this.deps.platform.config.publicUrl}/wallet`,
    );
    await this.deps.platform.mail.send(tx, { appId: order.app_id, to: user.email, ...mail });
  }

  private async publish(events: { type: EventName; appId: string; data: Record<string, unknown> }[]) {
    for (const event of events) {
      const outcome = PAYMENT_OUTCOMES[event.type];
      if (outcome)
        this.deps.platform.metrics.payments.inc({ provider: String(event.data.provider), outcome });
      await publishEvent(this.deps.platform.bus, event, this.deps.platform.clock.now()).catch((err) =>
        this.log.error({ err, type: event.type }, 'payment event not published'),
      );
    }
  }

  // Admin -------------------------------------------------------------------------------

  /**
   * Refunds a paid order: the provider is asked to refund the payment when it has an API
   * for it (ePayco refunds are made in its dashboard), then the coins are taken back.
   */
  async adminRefund(actor: Actor, orderId: string): Promise<AdminOrder> {
    const order = await this.store.findOrder(this.db, orderId);
    if (!order) throw paymentErrors.PAYMENTS_ORDER_NOT_FOUND();
    if (order.status !== 'paid') throw paymentErrors.PAYMENTS_ORDER_NOT_REFUNDABLE();
    const provider = this.providers.get(order.provider);
    if (!provider)
      throw paymentErrors.PAYMENTS_PROVIDER_DISABLED(
        `${order.provider} is not enabled any more, so this payment cannot be refunded here`,
      );
    if (provider.refund) {
      try {
        await provider.refund({ id: order.id, paymentRef: order.provider_payment_ref });
      } catch (error) {
        if (!(error instanceof ProviderUnavailableError)) throw error;
        this.log.warn({ orderId, err: error.message }, 'refund not accepted by the provider');
        throw paymentErrors.PAYMENTS_PROVIDER_UNAVAILABLE();
      }
    }
    const events: { type: EventName; appId: string; data: Record<string, unknown> }[] = [];
    const updated = await this.db.transaction().execute(async (tx) => {
      const current = (await this.store.findOrder(tx, orderId, true))!;
      const next = transition(current.status, 'refunded');
      if (next.effect !== 'reverse') throw paymentErrors.PAYMENTS_ORDER_NOT_REFUNDABLE();
      const row = await this.apply(tx, current, next, null, events);
      await this.deps.audit.record(
        tx,
        {
          appId: current.app_id,
          ...actor,
          action: 'payment.refund',
          targetType: 'payment_order',
          targetId: current.id,
          data: { coins: current.coins, amountMinor: current.amount_minor, currency: current.currency },
        },
        this.now(),
      );
      return row;
    });
    await this.publish(events);
    const email = await this.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', updated.user_id)
      .executeTakeFirst();
    return {
      ...toOrder(updated),
      userId: updated.user_id,
      userEmail: email?.email ?? null,
      flagReason: updated.flag_reason,
    };
  }

  // Wallet locks ------------------------------------------------------------------------

  /**
   * Whether the member's wallet is locked: a refund or chargeback took back coins that were
   * already spent, and the debt is not yet paid from later purchases. Spending features
   * should refuse to spend from a locked wallet.
   */
  async isWalletLocked(appId: string, userId: string, db: Executor = this.db): Promise<boolean> {
    return (await this.store.openLocks(db, appId, userId)).length > 0;
  }
}
