import type { ApiClient } from '../../app/api.ts';
import type {
  CoinPackage,
  CreatorSubscription,
  Earnings,
  Gift,
  GiftSent,
  Membership,
  MySubscription,
  Order,
  PaymentProvider,
  Payout,
  PayoutStatus,
  Prime,
  SplitSettings,
  TicketInfo,
  TopGifter,
  Wallet,
} from './money.types.ts';

const id = encodeURIComponent;

/** Query keys of the money feature, so a purchase can refresh every balance on screen. */
export const moneyKeys = {
  wallet: ['wallet'] as const,
  history: ['wallet', 'history'] as const,
  order: (orderId: string) => ['wallet', 'order', orderId] as const,
  packages: ['coin-packages'] as const,
  providers: ['payment-providers'] as const,
  gifts: ['gifts'] as const,
  topGifters: (streamId: string) => ['top-gifters', streamId] as const,
  ticket: (streamId: string) => ['ticket', streamId] as const,
  creatorSubscription: (creatorId: string) => ['creator-subscription', creatorId] as const,
  subscriptions: ['subscriptions'] as const,
  prime: ['prime'] as const,
  earnings: ['creator', 'earnings'] as const,
  payouts: ['creator', 'payouts'] as const,
};

/** Paths of the paginated money lists, for useCursorList. */
export const moneyLists = {
  history: '/wallet/history',
  payouts: '/creator/payouts',
  adminPayments: '/admin/payments',
  adminPayouts: '/admin/payouts',
};

/** Calls of the wallet, payments, gifts, tickets, subscriptions and payouts capabilities. */
export const moneyApi = {
  wallet: (api: ApiClient) => api.get<Wallet>('/wallet'),
  packages: (api: ApiClient) => api.get<{ items: CoinPackage[] }>('/coin-packages'),
  providers: (api: ApiClient) => api.get<{ items: PaymentProvider[] }>('/payments/providers'),
  checkout: (api: ApiClient, packageId: string, provider: string) =>
    api.post<{ order: Order; redirectUrl: string }>('/payments/checkout', { packageId, provider }),
  order: (api: ApiClient, orderId: string) => api.get<{ order: Order }>(`/payments/orders/${id(orderId)}`),
  sandboxOrder: (api: ApiClient, orderId: string) =>
    api.get<{ order: Order; packageName: string }>(`/payments/sandbox/${id(orderId)}`),
  sandboxComplete: (api: ApiClient, orderId: string, outcome: 'accept' | 'reject' | 'pending') =>
    api.post<{ order: Order; returnUrl: string }>(`/payments/sandbox/${id(orderId)}/complete`, { outcome }),

  gifts: (api: ApiClient) => api.get<{ items: Gift[] }>('/gifts'),
  sendGift: (api: ApiClient, streamId: string, giftId: string, idempotencyKey: string, quantity = 1) =>
    api.post<{ gift: GiftSent; balance: number }>(`/streams/${id(streamId)}/gifts`, {
      giftId,
      quantity,
      idempotencyKey,
    }),
  tip: (api: ApiClient, streamId: string, coins: number, message: string, idempotencyKey: string) =>
    api.post<{ balance: number }>(`/streams/${id(streamId)}/tips`, {
      coins,
      ...(message ? { message } : {}),
      idempotencyKey,
    }),
  topGifters: (api: ApiClient, streamId: string, limit = 5) =>
    api.get<{ items: TopGifter[] }>(`/streams/${id(streamId)}/top-gifters`, { limit }),

  ticket: (api: ApiClient, streamId: string) => api.get<TicketInfo>(`/streams/${id(streamId)}/ticket`),
  buyTicket: (api: ApiClient, streamId: string, idempotencyKey: string) =>
    api.post<{ balance: number }>(`/streams/${id(streamId)}/ticket/purchase`, { idempotencyKey }),

  creatorSubscription: (api: ApiClient, creatorId: string) =>
    api.get<CreatorSubscription>(`/creators/${id(creatorId)}/subscription`),
  subscribe: (api: ApiClient, creatorId: string, idempotencyKey: string) =>
    api.post<{ subscription: Membership; balance: number }>(`/creators/${id(creatorId)}/subscribe`, {
      idempotencyKey,
    }),
  cancelSubscription: (api: ApiClient, creatorId: string) =>
    api.post<{ subscription: Membership }>(`/creators/${id(creatorId)}/subscription/cancel`, {}),
  subscriptions: (api: ApiClient) => api.get<{ items: MySubscription[] }>('/subscriptions'),
  prime: (api: ApiClient) => api.get<Prime>('/prime'),
  joinPrime: (api: ApiClient, idempotencyKey: string) => api.post('/prime/subscribe', { idempotencyKey }),
  cancelPrime: (api: ApiClient) => api.post('/prime/cancel', {}),

  earnings: (api: ApiClient) => api.get<Earnings>('/creator/earnings'),
  requestPayout: (api: ApiClient, coins: number, idempotencyKey: string) =>
    api.post<{ payout: Payout }>('/creator/payouts', { coins, idempotencyKey }),
};

/** Calls of the money admin pages (platform operators only). */
export const moneyAdminApi = {
  refund: (api: ApiClient, orderId: string) =>
    api.post<{ order: Order }>(`/admin/payments/${id(orderId)}/refund`, {}),
  payoutCounts: (api: ApiClient) =>
    api.get<{ counts: Record<PayoutStatus, number> }>('/admin/payouts/counts'),
  approvePayout: (api: ApiClient, payoutId: string) =>
    api.post<{ payout: Payout }>(`/admin/payouts/${id(payoutId)}/approve`, {}),
  rejectPayout: (api: ApiClient, payoutId: string, reason: string) =>
    api.post<{ payout: Payout }>(`/admin/payouts/${id(payoutId)}/reject`, { reason }),
  markPayoutPaid: (api: ApiClient, payoutId: string, reference: string) =>
    api.post<{ payout: Payout }>(`/admin/payouts/${id(payoutId)}/mark-paid`, { reference }),
  packages: (api: ApiClient) => api.get<{ items: CoinPackage[] }>('/admin/coin-packages'),
  createPackage: (api: ApiClient, body: Pick<CoinPackage, 'name' | 'coins' | 'priceMinor' | 'currency'>) =>
    api.post<{ package: CoinPackage }>('/admin/coin-packages', body),
  updatePackage: (api: ApiClient, packageId: string, body: Partial<Omit<CoinPackage, 'id'>>) =>
    api.patch<{ package: CoinPackage }>(`/admin/coin-packages/${id(packageId)}`, body),
  gifts: (api: ApiClient) => api.get<{ items: Gift[] }>('/admin/gifts'),
  createGift: (api: ApiClient, body: Omit<Gift, 'id' | 'active'>) =>
    api.post<{ gift: Gift }>('/admin/gifts', body),
  updateGift: (api: ApiClient, giftId: string, body: Partial<Omit<Gift, 'id'>>) =>
    api.patch<{ gift: Gift }>(`/admin/gifts/${id(giftId)}`, body),
  split: (api: ApiClient) => api.get<SplitSettings>('/admin/split'),
  setSplit: (api: ApiClient, creatorBps: number, payoutMinimum: number) =>
    api.request<{ creatorBps: number; payoutMinimum: number }>('PUT', '/admin/split', {
      creatorBps,
      payoutMinimum,
    }),
  setCreatorSplit: (api: ApiClient, userId: string, creatorBps: number | null) =>
    api.request('PUT', `/admin/creators/${id(userId)}/split`, { creatorBps }),
  setPrime: (api: ApiClient, priceCoins: number, perks: string[]) =>
    api.request('PUT', '/admin/prime', { priceCoins, perks }),
};
