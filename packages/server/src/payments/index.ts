/** Buying coins: coin packages, orders, the payment-provider port (sandbox, ePayco, Stripe) and callbacks. */
export { paymentErrors } from './payments.errors.ts';
export { paymentRoutes } from './payments.routes.ts';
export {
  amountMismatch,
  epaycoOutcome,
  epaycoSignature,
  ORDER_STATUSES,
  type OrderStatus,
  type PaymentOutcome,
  PROVIDER_IDS,
  type ProviderId,
  transition,
} from './payments.rules.ts';
export {
  type AdminOrder,
  type Buyer,
  type CallbackResult,
  type CoinPackage,
  type Order,
  PaymentsService,
  type PaymentsServiceDeps,
} from './payments.service.ts';
export type { PaymentProvider } from './providers/provider.port.ts';
