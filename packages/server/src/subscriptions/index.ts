/** Monthly creator subscriptions and PRIME membership, paid in coins and renewed by jobs. */

export { subscriptionErrors } from './subscriptions.errors.ts';
export { subscriptionRoutes } from './subscriptions.routes.ts';
export * from './subscriptions.rules.ts';
export { type PrimeSettings, SubscriptionService, type SubscriptionView } from './subscriptions.service.ts';
